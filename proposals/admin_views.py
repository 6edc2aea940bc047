"""The Wagtail admin page with the workflow actions of one proposal, fired through the same
services as the front end."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from workflows.engine import WorkflowError, history

from . import services
from .models import PROPOSAL_WORKFLOW, Proposal


def proposal_actions(request, pk):
    proposal = get_object_or_404(Proposal.objects.with_places(), pk=pk)
    if not PROPOSAL_WORKFLOW.can_view(request.user, proposal):
        raise PermissionDenied
    available = PROPOSAL_WORKFLOW.actions_for(proposal, request.user)
    simple = [a for a in available if a.name in services.SIMPLE_ACTIONS]
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in {a.name for a in simple}:
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
        return redirect("proposals_proposal_actions", pk=proposal.pk)
    others = [a.label for a in available if a.name not in services.SIMPLE_ACTIONS]
    return TemplateResponse(
        request,
        "proposals/admin/proposal_actions.html",
        {"proposal": proposal, "actions": simple, "others": others, "history": history(proposal)},
    )
