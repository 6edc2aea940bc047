"""Front-end pages for proposals and city funds. Thin: fetch what the user may see (404/403
otherwise), call a service, turn a WorkflowError into a message, redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exports import dataset_bytes
from portal.models import City, Community, Role
from portal.paging import CountingPaginator
from portal.permissions import scope_filter, user_has_role
from portal.uploads import private_file_response
from workflows.engine import WorkflowError, history

from . import selectors, services
from .forms import (
    AttachmentForm,
    BudgetForm,
    BudgetLineFormSet,
    CommentForm,
    CompleteForm,
    ContributionForm,
    DisburseForm,
    ProposalForm,
    RepaymentForm,
    ReverseForm,
    ReviewFilterForm,
    TransitionForm,
)
from .models import PROPOSAL_WORKFLOW, CityFund, LedgerEntry, Proposal, ProposalAttachment

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, qs):
    return CountingPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_errors(form, exc):
    """The service's message on top of the form, and its hints beside the fields."""
    form.add_error(None, str(exc))
    for name, errors in exc.field_errors.items():
        if name in form.fields:
            for error in errors:
                form.add_error(name, error)


def _editable(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    if not PROPOSAL_WORKFLOW.can_edit(request.user, proposal):
        messages.error(
            request,
            _("This proposal cannot be changed while it is %(state)s.")
            % {"state": proposal.get_state_display()},
        )
        return None, redirect("proposals:proposal_detail", pk=proposal.pk)
    return proposal, None


# --- community ---------------------------------------------------------------------------------


@login_required
def my_proposals(request):
    if not user_has_role(request.user, Role.COMMUNITY_REPRESENTATIVE):
        raise PermissionDenied
    page = _page(request, selectors.my_proposals(request.user))
    return render(request, "proposals/my_proposals.html", {"page": page})


@login_required
def proposal_new(request):
    communities = scope_filter(
        Community.objects.select_related("ward__city"), request.user, Role.COMMUNITY_REPRESENTATIVE
    )
    if not communities.exists():
        raise PermissionDenied
    form = ProposalForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        community = data.pop("community")
        try:
            proposal = services.proposal_create(community=community, by=request.user, **data)
        except WorkflowError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Now the budget."))
            return redirect("proposals:proposal_budget", pk=proposal.pk)
    return render(request, "proposals/proposal_form.html", {"form": form, "step": 1, "proposal": None})


@login_required
def proposal_edit(request, pk):
    proposal, refused = _editable(request, pk)
    if refused:
        return refused
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(proposal=proposal, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("proposals:proposal_budget", pk=proposal.pk)
    return render(request, "proposals/proposal_form.html", {"form": form, "step": 1, "proposal": proposal})


@login_required
def proposal_budget(request, pk):
    proposal, refused = _editable(request, pk)
    if refused:
        return refused
    lines = proposal.budget_lines.all()
    initial_lines = [
        {
            "item": li.item,
            "quantity": li.quantity,
            "unit": li.unit,
            "unit_cost": li.unit_cost,
            "total": li.total,
        }
        for li in lines
    ]
    form = BudgetForm(
        request.POST or None,
        initial={
            "requested_amount": proposal.requested_amount,
            "contribution_cash": proposal.contribution_cash,
            "contribution_labour": proposal.contribution_labour,
        },
    )
    formset = BudgetLineFormSet(request.POST or None, initial=initial_lines, prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            services.proposal_set_budget(proposal=proposal, by=request.user, lines=rows, **form.cleaned_data)
        except WorkflowError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Budget saved."))
            if "add_lines" in request.POST:
                return redirect("proposals:proposal_budget", pk=proposal.pk)
            return redirect("proposals:proposal_attachments", pk=proposal.pk)
    return render(
        request,
        "proposals/proposal_budget.html",
        {"form": form, "formset": formset, "step": 2, "proposal": proposal},
    )


@login_required
def proposal_attachments(request, pk):
    proposal, refused = _editable(request, pk)
    if refused:
        return refused
    form = AttachmentForm(
        request.POST or None,
        request.FILES or None,
        kinds=[k for k in ProposalAttachment.Kind.values if k != ProposalAttachment.Kind.COMPLETION_PHOTO],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_attach(
                proposal=proposal,
                by=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except WorkflowError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("File added."))
            return redirect("proposals:proposal_attachments", pk=proposal.pk)
    attachments = proposal.attachments.select_related("document")
    return render(
        request,
        "proposals/proposal_attachments.html",
        {"form": form, "step": 3, "proposal": proposal, "attachments": attachments},
    )


# --- the proposal page and its actions ---------------------------------------------------------


@login_required
def proposal_detail(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    proposal = Proposal.objects.with_money().with_places().get(pk=proposal.pk)
    context = {
        "proposal": proposal,
        "actions": PROPOSAL_WORKFLOW.actions_for(proposal, request.user),
        "lines": proposal.budget_lines.all(),
        "attachments": proposal.attachments.select_related("document"),
        "history": history(proposal),
        "comments": proposal.comments.select_related("author"),
        "comment_form": CommentForm(),
        "can_edit": PROPOSAL_WORKFLOW.can_edit(request.user, proposal),
        "instalments": proposal.instalments.all() if proposal.is_loan else [],
        "step": 4,
    }
    return render(request, "proposals/proposal_detail.html", context)


@login_required
@require_POST
def proposal_transition(request, pk, name):
    proposal = selectors.proposal_for(request.user, pk)
    action = services.SIMPLE_ACTIONS.get(name)
    if action is None:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("proposals:proposal_detail", pk=proposal.pk)
    try:
        proposal = action(
            proposal=proposal,
            by=request.user,
            comment=form.cleaned_data["comment"],
            expected_state=form.cleaned_data["state"],
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(action)s: done. The proposal is now %(state)s.")
            % {"action": PROPOSAL_WORKFLOW.transition_label(name), "state": proposal.get_state_display()},
        )
    if not PROPOSAL_WORKFLOW.can_view(request.user, proposal):
        return redirect("portal:my_work")
    return redirect("proposals:proposal_detail", pk=proposal.pk)


@login_required
def proposal_disburse(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    if "disburse" not in {a.name for a in PROPOSAL_WORKFLOW.actions_for(proposal, request.user)}:
        raise PermissionDenied
    form = DisburseForm(
        request.POST or None,
        initial={"amount": proposal.amount_left, "date": timezone.localdate(), "state": proposal.state},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_disburse(
                proposal=proposal,
                by=request.user,
                amount=data["amount"],
                date=data["date"],
                token=data["token"],
                comment=data["comment"],
                expected_state=data["state"],
            )
        except WorkflowError as exc:
            _form_errors(form, exc)
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Disbursement recorded."))
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    fund = CityFund.objects.filter(city_id=proposal.community.ward.city_id).first()
    return render(
        request,
        "proposals/proposal_disburse.html",
        {"form": form, "proposal": proposal, "balance": fund.balance() if fund else 0},
    )


@login_required
def proposal_complete(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    if "complete" not in {a.name for a in PROPOSAL_WORKFLOW.actions_for(proposal, request.user)}:
        raise PermissionDenied
    form = CompleteForm(request.POST or None, request.FILES or None, initial={"state": proposal.state})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("photo"):
                services.proposal_attach(
                    proposal=proposal,
                    by=request.user,
                    kind=ProposalAttachment.Kind.COMPLETION_PHOTO,
                    upload=data["photo"],
                )
            services.proposal_complete(
                proposal=proposal,
                by=request.user,
                actual_households=data["actual_households"],
                actual_cost=data["actual_cost"],
                report=data["report"],
                expected_state=data["state"],
            )
        except WorkflowError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Completion reported. The city will verify it."))
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return render(request, "proposals/proposal_complete.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def proposal_comment(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_comment(proposal=proposal, by=request.user, body=form.cleaned_data["body"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(reverse("proposals:proposal_detail", args=[proposal.pk]) + "#comments")


@login_required
def attachment_download(request, pk):
    """Attachments are never public: served only to who may view the proposal."""
    attachment = get_object_or_404(ProposalAttachment.objects.select_related("document"), pk=pk)
    selectors.proposal_for(request.user, attachment.proposal_id)
    document = attachment.document
    return private_file_response(document.file, attachment.content_type, filename=document.filename)


# --- reviewers ------------------------------------------------------------------------------------


@login_required
def review_queue(request):
    if not user_has_role(request.user, selectors.REVIEWER_ROLES):
        raise PermissionDenied
    form = ReviewFilterForm(request.GET or None, wards=selectors.ward_choices(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.review_queue_page(
        request.user,
        state=filters.get("state", ""),
        ward=filters.get("ward"),
        category=filters.get("category", ""),
        awaiting=filters.get("awaiting", False),
    )
    page = _page(request, qs)
    query = request.GET.copy()
    query.pop("page", None)
    can_export = user_has_role(request.user, selectors.EXPORT_ROLES)
    return render(
        request,
        "proposals/review_queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_export": can_export,
        },
    )


@login_required
def proposal_export(request, fmt):
    from .resources import ProposalResource

    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not user_has_role(request.user, selectors.EXPORT_ROLES):
        raise PermissionDenied
    form = ReviewFilterForm(request.GET or None, wards=selectors.ward_choices(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.review_queue(
        request.user,
        state=filters.get("state", ""),
        ward=filters.get("ward"),
        category=filters.get("category", ""),
    ).with_money()
    dataset = ProposalResource().export(qs)
    stamp = datetime.date.today().isoformat()
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    # formula-safe cells: a title like "=HYPERLINK(...)" arrives in Excel as text
    response = HttpResponse(dataset_bytes(dataset, fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="proposals-{stamp}.{fmt}"'
    return response


# --- city funds ---------------------------------------------------------------------------------


@login_required
def fund_list(request):
    funds = selectors.funds_for(request.user)
    if not user_has_role(request.user, selectors.FUND_ROLES):
        raise PermissionDenied
    cities_without = []
    if user_has_role(request.user, Role.CDF_SECRETARY):
        cities_without = [
            m.city
            for m in request.user.memberships.filter(
                role=Role.CDF_SECRETARY, is_active=True, city__fund__isnull=True
            ).select_related("city")
        ]
    return render(request, "proposals/fund_list.html", {"funds": funds, "cities_without": cities_without})


@login_required
def fund_detail(request, city_id):
    city = get_object_or_404(City, pk=city_id)
    if not user_has_role(request.user, selectors.FUND_ROLES, city):
        raise Http404
    fund = CityFund.objects.filter(city=city).first()
    is_secretary = user_has_role(request.user, Role.CDF_SECRETARY, city)
    loans = list(selectors.loans_of(city))
    for loan in loans:
        loan.status, loan.overdue = selectors.repayment_status(loan)
    today = timezone.localdate()
    context = {
        "city": city,
        "fund": fund,
        "balance": fund.balance() if fund else 0,
        "page": _page(request, selectors.fund_ledger(fund)) if fund else None,
        "loans": loans,
        "is_secretary": is_secretary,
        "contribution_form": ContributionForm(initial={"date": today}) if is_secretary else None,
        "repayment_form": RepaymentForm(
            initial={"date": today}, loans=Proposal.objects.filter(pk__in=[loan.pk for loan in loans])
        )
        if is_secretary and loans
        else None,
    }
    return render(request, "proposals/fund_detail.html", context)


def _secretary_city(request, city_id):
    city = get_object_or_404(City, pk=city_id)
    if not user_has_role(request.user, Role.CDF_SECRETARY, city):
        raise Http404
    return city


@login_required
@require_POST
def fund_contribute(request, city_id):
    city = _secretary_city(request, city_id)
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            services.fund_record_contribution(city=city, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Entry recorded."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("proposals:fund_detail", city_id=city.pk)


@login_required
@require_POST
def fund_repayment(request, city_id):
    city = _secretary_city(request, city_id)
    form = RepaymentForm(
        request.POST, loans=Proposal.objects.filter(community__ward__city=city, funding_type="loan")
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.loan_record_repayment(
                proposal=data["proposal"],
                by=request.user,
                amount=data["amount"],
                date=data["date"],
                token=data["token"],
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Repayment recorded."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("proposals:fund_detail", city_id=city.pk)


@login_required
def fund_reverse(request, city_id, entry_id):
    city = _secretary_city(request, city_id)
    entry = get_object_or_404(LedgerEntry.objects.select_related("proposal"), pk=entry_id, fund__city=city)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_reverse_entry(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Correction recorded."))
            return redirect("proposals:fund_detail", city_id=city.pk)
    return render(request, "proposals/fund_reverse.html", {"form": form, "entry": entry, "city": city})
