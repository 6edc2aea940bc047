from django.core.management.base import BaseCommand, CommandError

from portal.models import City
from workflows.diagram import workflow_svg
from workflows.engine import workflows
from workflows.models import CityWorkflowPolicy


class Command(BaseCommand):
    help = (
        "Print each registered workflow as an SVG picture, Graphviz DOT or Mermaid, generated from its "
        "declaration; --city draws that city's workflow under its policy."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["dot", "mermaid", "svg"], default="dot")
        parser.add_argument("--city", help="city name or id: apply that city's workflow policy")

    def handle(self, *args, format, city, **options):
        policy = None
        if city:
            found = (
                City.objects.filter(pk=city).first()
                if city.isdigit()
                else City.objects.filter(name=city).first()
            )
            if found is None:
                raise CommandError(f"No city {city!r}")
            policy = CityWorkflowPolicy.for_city(found)
        draw = {"dot": lambda wf: wf.to_dot(policy), "mermaid": lambda wf: wf.to_mermaid(policy)}
        draw["svg"] = lambda wf: workflow_svg(wf, policy)
        for wf in workflows():
            self.stdout.write(draw[format](wf))
