"""Two Wagtail admin pages: workflow diagrams drawn from the declarations, and the workflow
actions of one proposal (fired through the same services as the front end)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from portal.models import City

from . import services
from .diagram import workflow_svg
from .engine import WorkflowError, history, workflows
from .models import PROPOSAL_WORKFLOW, CityWorkflowPolicy, Proposal


def diagram(request):
    """Each registered workflow drawn as SVG, as a table of transitions and as Graphviz DOT; with a city
    chosen, that city's policy decides which paths exist."""
    city = None
    if request.GET.get("city"):
        city = City.objects.filter(pk=request.GET["city"]).first()
    policy = CityWorkflowPolicy.for_city(city) if city else None
    diagrams = [
        {
            "workflow": wf,
            "edges": wf.graph(policy),
            "dot": wf.to_dot(policy),
            "svg": workflow_svg(wf, policy),
            "states": wf.field.flatchoices,
        }
        for wf in workflows()
    ]
    return TemplateResponse(
        request,
        "workflows/admin/diagram.html",
        {
            "diagrams": diagrams,
            "cities": City.objects.order_by("name_folded"),
            "city": city,
            "policy": policy,
        },
    )


def proposal_actions(request, pk):
    proposal = get_object_or_404(Proposal.objects.with_places(), pk=pk)
    names = PROPOSAL_WORKFLOW.available_transitions(proposal, request.user)
    simple = [n for n in names if n in services.SIMPLE_ACTIONS]
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in simple:
            messages.error(request, _("This action is not available to you now."))
        else:
            try:
                proposal = services.SIMPLE_ACTIONS[name](
                    proposal=proposal,
                    by=request.user,
                    comment=request.POST.get("comment", ""),
                    expected_state=request.POST.get("state"),
                )
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Done: the proposal is now %(state)s.") % {"state": proposal.get_state_display()},
                )
        return redirect("workflows_proposal_actions", pk=proposal.pk)
    actions = [
        {
            "name": n,
            "label": PROPOSAL_WORKFLOW.transition_label(n),
            "comment_required": PROPOSAL_WORKFLOW.comment_required(n),
        }
        for n in simple
    ]
    others = [PROPOSAL_WORKFLOW.transition_label(n) for n in names if n not in services.SIMPLE_ACTIONS]
    return TemplateResponse(
        request,
        "workflows/admin/proposal_actions.html",
        {"proposal": proposal, "actions": actions, "others": others, "history": history(proposal)},
    )
