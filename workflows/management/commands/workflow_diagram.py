from django.core.management.base import BaseCommand, CommandError

from portal.models import City
from workflows.diagram import workflow_svg
from workflows.engine import workflows


class Command(BaseCommand):
    help = (
        "Print registered workflows as an SVG picture, Graphviz DOT or Mermaid, generated from their "
        "declarations; --city draws that city's workflow under its policy, --workflow picks one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["dot", "mermaid", "svg"], default="dot")
        parser.add_argument("--city", help="city name or id: apply that city's workflow policy")
        parser.add_argument("--workflow", help="model name, e.g. proposal or trainingsession")

    def handle(self, *args, format, city, workflow, **options):
        found = None
        if city:
            found = (
                City.objects.filter(pk=city).first()
                if city.isdigit()
                else City.objects.filter(name=city).first()
            )
            if found is None:
                raise CommandError(f"No city {city!r}")
        chosen = [wf for wf in workflows() if not workflow or wf.model._meta.model_name == workflow.lower()]
        if not chosen:
            names = ", ".join(wf.model._meta.model_name for wf in workflows())
            raise CommandError(f"No workflow {workflow!r}; there are: {names}")
        for wf in chosen:
            policy = wf.policy_for(found) if (found is not None and wf.policy_for) else None
            draw = {
                "dot": lambda wf=wf, p=policy: wf.to_dot(p),
                "mermaid": lambda wf=wf, p=policy: wf.to_mermaid(p),
                "svg": lambda wf=wf, p=policy: workflow_svg(wf, p),
            }
            self.stdout.write(draw[format]())
