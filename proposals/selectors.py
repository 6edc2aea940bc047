"""Read queries of the proposal pages, each a fixed number of queries whatever the size."""

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from portal.models import Role, Ward
from portal.permissions import scope_filter, scope_q, user_has_role

from .models import PROPOSAL_WORKFLOW, CityFund, LedgerEntry, Proposal, RepaymentInstalment

REVIEWER_ROLES = (Role.WARD_OFFICER, Role.CITY_OFFICIAL, Role.CDF_SECRETARY, Role.PROGRAMME_STAFF)
FUND_ROLES = (Role.CDF_SECRETARY, Role.CITY_OFFICIAL, Role.PROGRAMME_STAFF)
EXPORT_ROLES = (Role.CITY_OFFICIAL, Role.PROGRAMME_STAFF)


def proposal_for(user, pk):
    """The proposal if the user may view it in its state; 404 otherwise (not 403: whether a
    draft exists is the community's business)."""
    proposal = Proposal.objects.with_places().filter(pk=pk).first()
    if proposal is None or not PROPOSAL_WORKFLOW.can_view(user, proposal):
        raise Http404
    return proposal


def my_proposals(user):
    return Proposal.objects.of_my_communities(user).with_places().order_by("-updated_at", "-pk")


def review_queue(user, *, state="", ward=None, category="", awaiting=False):
    qs = Proposal.objects.visible_to(user).exclude(state=Proposal.State.DRAFT).with_places()
    if state:
        qs = qs.filter(state=state)
    if ward is not None:
        qs = qs.filter(community__ward=ward)
    if category:
        qs = qs.filter(category=category)
    if awaiting:
        qs = qs.filter(PROPOSAL_WORKFLOW.worklist_q(user))
    return qs.order_by("-updated_at", "-pk")


def review_queue_page(user, **filters):
    """The queue as its page lists it: each row marked `awaiting_me` when it waits for the user."""
    return review_queue(user, **filters).with_awaiting(user)


def ward_choices(user):
    """(id, "ward · city") of the wards a reviewer may filter by: the ones their roles cover.
    Values, not models: the list is only ever a select's options."""
    wards = Ward.objects.order_by("city__name_folded", "name_folded")
    if not user_has_role(user, Role.PROGRAMME_STAFF):
        wards = scope_filter(wards, user, REVIEWER_ROLES)
    return [(pk, f"{name} · {city}") for pk, name, city in wards.values_list("pk", "name", "city__name")]


def funds_for(user):
    return (
        CityFund.objects.filter(scope_q(CityFund, user, FUND_ROLES))
        .select_related("city")
        .annotate(balance_total=Coalesce(Sum("entries__amount"), Value(0)))
    )


def fund_ledger(fund):
    return fund.entries.select_related("proposal", "recorded_by", "reversed_by").order_by("-date", "-pk")


def loans_of(city, today=None):
    """The city's revolving loans with what was disbursed, repaid and due by today, one query."""
    today = today or timezone.localdate()
    due = Subquery(
        RepaymentInstalment.objects.filter(proposal=OuterRef("pk"), due_date__lte=today)
        .order_by()
        .values("proposal")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return (
        Proposal.objects.filter(community__ward__city=city, funding_type=Proposal.FundingType.LOAN)
        .exclude(state__in=[Proposal.State.DRAFT, Proposal.State.WITHDRAWN, Proposal.State.REJECTED])
        .filter(ledger_entries__kind=LedgerEntry.Kind.DISBURSEMENT)
        .distinct()
        .with_money()
        .annotate(due_total=Coalesce(due, Value(0)))
        .select_related("community")
        .order_by("community__name_folded", "pk")
    )


def repayment_status(loan):
    """(label code, overdue amount) from the annotated loan."""
    outstanding = loan.disbursed_total - loan.repaid_total
    overdue = max(0, loan.due_total - loan.repaid_total)
    if outstanding <= 0:
        return "repaid", 0
    if overdue > 0:
        return "overdue", overdue
    return "on_track", 0
