"""The Wagtail admin page that draws every registered workflow from its declaration."""

import re

from django.template.response import TemplateResponse

from portal.models import City

from .diagram import workflow_svg
from .engine import workflows


def diagram(request):
    """Each registered workflow drawn as SVG, as a table of transitions and as Graphviz DOT; with a
    city chosen, that city's policy (for workflows that have one) decides which paths exist."""
    city = None
    city_id = request.GET.get("city", "")
    if re.fullmatch(r"[0-9]{1,18}", city_id):  # str.isdigit() also takes "²"; junk is ignored
        city = City.objects.filter(pk=int(city_id)).first()
    diagrams = []
    for wf in workflows():
        policy = wf.policy_for(city) if (city is not None and wf.policy_for) else None
        diagrams.append(
            {
                "workflow": wf,
                "policy": policy,
                "edges": wf.graph(policy),
                "dot": wf.to_dot(policy),
                "svg": workflow_svg(wf, policy),
                "states": wf.field.flatchoices,
            }
        )
    return TemplateResponse(
        request,
        "workflows/admin/diagram.html",
        {"diagrams": diagrams, "cities": City.objects.order_by("name_folded"), "city": city},
    )
