"""Write actions on proposals and city funds. One function per action, keyword-only, taking a
user (never a request). Transitions go through `engine.transition_fire`; money moves lock the
city fund row after the proposal row (always in that order, so two actions cannot deadlock).
Every refusal is a `WorkflowError` (TransitionRefused / TransitionConflict)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from portal.models import Role
from portal.permissions import user_has_role
from workflows.engine import TransitionConflict, TransitionRefused, WorkflowError, transition_fire

from .files import check_upload
from .models import (
    MAX_AMOUNT,
    PROPOSAL_WORKFLOW,
    BudgetLine,
    CityFund,
    CityWorkflowPolicy,
    LedgerEntry,
    Proposal,
    ProposalAttachment,
    ProposalComment,
    RepaymentInstalment,
)

ATTACHMENT_COLLECTION = "Proposal attachments"

EDITABLE_FIELDS = [
    "title",
    "category",
    "description",
    "location",
    "households_planned",
    "funding_type",
    "repayment_months",
    "planned_start",
    "planned_end",
]


def _clean(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise TransitionRefused.from_validation_error(exc) from exc


def _check_amount(amount, *, field="amount"):
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TransitionRefused(
            _("Enter a whole number of VND."), field_errors={field: [str(_("Whole VND only."))]}
        )
    if amount <= 0:
        raise TransitionRefused(
            _("The amount must be more than zero."), field_errors={field: [str(_("Must be more than zero."))]}
        )
    if amount > MAX_AMOUNT:
        raise TransitionRefused(
            _("The amount is too large to be right."), field_errors={field: [str(_("Too large."))]}
        )


def _require_edit(proposal, by):
    if not PROPOSAL_WORKFLOW.can_edit(by, proposal):
        raise TransitionRefused(
            _("You may not change this proposal while it is %(state)s.")
            % {"state": proposal.get_state_display()}
        )


# --- drafting ------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, community, by, **fields) -> Proposal:
    """A new draft for `community`; any representative of the community may create one."""
    if not user_has_role(by, Role.COMMUNITY_REPRESENTATIVE, community):
        raise TransitionRefused(_("Only a representative of this community can propose for it."))
    proposal = Proposal(
        community=community, created_by=by, **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    )
    _clean(proposal)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_update(*, proposal, by, **fields) -> Proposal:
    locked = Proposal.objects.select_for_update(of=("self",)).with_places().get(pk=proposal.pk)
    _require_edit(locked, by)
    for name, value in fields.items():
        if name in EDITABLE_FIELDS:
            setattr(locked, name, value)
    _clean(locked)
    locked.save()
    return locked


@transaction.atomic
def proposal_set_budget(
    *, proposal, by, lines, requested_amount, contribution_cash=0, contribution_labour=0
) -> Proposal:
    """Replace the budget: `lines` is a list of dicts (item, quantity, unit, unit_cost, total
    optional). Each line's total must be quantity × unit cost; the lines together must equal
    the requested amount plus the community's contribution. Nothing is saved on an error."""
    locked = Proposal.objects.select_for_update(of=("self",)).with_places().get(pk=proposal.pk)
    _require_edit(locked, by)
    for value, name in (
        (requested_amount, "requested_amount"),
        (contribution_cash, "contribution_cash"),
        (contribution_labour, "contribution_labour"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_AMOUNT:
            raise TransitionRefused(
                _("Amounts are whole VND between 0 and 100 billion."),
                field_errors={name: [str(_("Enter a whole VND amount between 0 and 100 billion."))]},
            )
    built = []
    for position, data in enumerate(lines):
        line = BudgetLine(
            proposal=locked,
            item=data.get("item", ""),
            quantity=data.get("quantity"),
            unit=data.get("unit", ""),
            unit_cost=data.get("unit_cost"),
            total=data.get("total"),
            position=position,
        )
        if line.total is None:
            line.total = line.expected_total()
        try:
            line.full_clean(exclude=["proposal"])
        except ValidationError as exc:
            error = TransitionRefused.from_validation_error(exc)
            raise TransitionRefused(
                _("Budget line %(n)s: %(error)s") % {"n": position + 1, "error": error.message},
                field_errors={"lines": [str(error.message)]},
            ) from exc
        built.append(line)
    total = sum(line.total for line in built)
    expected = requested_amount + contribution_cash + contribution_labour
    if built and total != expected:
        raise TransitionRefused(
            _(
                "The budget lines add up to %(lines)s VND but the requested amount plus the community's "
                "contribution is %(expected)s VND."
            )
            % {"lines": f"{total:,}", "expected": f"{expected:,}"},
            field_errors={"requested_amount": [str(_("Does not match the budget lines."))]},
        )
    locked.requested_amount = requested_amount
    locked.contribution_cash = contribution_cash
    locked.contribution_labour = contribution_labour
    _clean(locked)
    locked.save()
    locked.budget_lines.all().delete()  # lines of a draft, not money: replaced as a whole
    BudgetLine.objects.bulk_create(built)
    return locked


def _attachment_collection():
    """The collection of proposal files, restricted so Wagtail's public document URL refuses
    them (they are served by a view that checks the proposal's permissions)."""
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.get_children().filter(name=ATTACHMENT_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=ATTACHMENT_COLLECTION)
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    return collection


@transaction.atomic
def proposal_attach(*, proposal, by, kind, upload) -> ProposalAttachment:
    """Store an uploaded file as a Wagtail document in the private attachments collection,
    after checking its extension, real content type and size. Completion photos may be added
    while the works run; everything else only while the community may edit."""
    locked = Proposal.objects.select_for_update(of=("self",)).with_places().get(pk=proposal.pk)
    completion = (
        kind == ProposalAttachment.Kind.COMPLETION_PHOTO and locked.state == Proposal.State.IN_PROGRESS
    )
    if completion:
        if not user_has_role(by, Role.COMMUNITY_REPRESENTATIVE, locked):
            raise TransitionRefused(_("Only the community can add completion photos."))
    else:
        _require_edit(locked, by)
    if kind not in ProposalAttachment.Kind.values:
        raise TransitionRefused(_("Choose what kind of file this is."))
    content_type = check_upload(upload, kind)
    Document = get_document_model()
    document = Document(
        title=upload.name[:255], file=upload, collection=_attachment_collection(), uploaded_by_user=by
    )
    document.save()
    attachment = ProposalAttachment(
        proposal=locked,
        kind=kind,
        document=document,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    _clean(attachment)
    attachment.save()
    return attachment


@transaction.atomic
def proposal_comment(*, proposal, by, body) -> ProposalComment:
    if not PROPOSAL_WORKFLOW.can_view(by, proposal):
        raise TransitionRefused(_("You may not comment on this proposal."))
    comment = ProposalComment(proposal=proposal, author=by, body=(body or "").strip())
    _clean(comment)
    comment.save()
    return comment


# --- the lifecycle ----------------------------------------------------------------------------


def _check_complete(proposal):
    missing = []
    if not proposal.budget_lines.exists():
        missing.append(str(_("budget lines")))
    if proposal.requested_amount <= 0:
        missing.append(str(_("requested amount")))
    if proposal.households_planned <= 0:
        missing.append(str(_("households benefiting")))
    if not proposal.description.strip():
        missing.append(str(_("description")))
    if missing:
        raise TransitionRefused(
            _("The proposal is not complete yet: add %(missing)s.") % {"missing": ", ".join(missing)}
        )


def _fire(proposal, name, by, comment="", *, expected_state=None, before=None, effects=None):
    return transition_fire(
        obj=proposal,
        name=name,
        by=by,
        comment=comment,
        expected_state=expected_state,
        before=before,
        effects=effects,
    )


def proposal_submit(*, proposal, by, comment="", expected_state=None):
    return _fire(proposal, "submit", by, comment, expected_state=expected_state, before=_check_complete)


def proposal_resubmit(*, proposal, by, comment="", expected_state=None):
    return _fire(proposal, "resubmit", by, comment, expected_state=expected_state, before=_check_complete)


def proposal_endorse(*, proposal, by, comment="", expected_state=None):
    return _fire(proposal, "endorse", by, comment, expected_state=expected_state)


def proposal_approve(*, proposal, by, comment="", expected_state=None):
    """The city approves the requested amount; above the city's threshold the proposal then
    waits for programme staff (the target state is chosen by django-fsm's GET_STATE)."""

    def before(locked):
        locked.approved_amount = locked.requested_amount

    return _fire(proposal, "approve", by, comment, expected_state=expected_state, before=before)


def proposal_programme_approve(*, proposal, by, comment="", expected_state=None):
    return _fire(proposal, "programme_approve", by, comment, expected_state=expected_state)


def proposal_request_revision(*, proposal, by, comment, expected_state=None):
    return _fire(proposal, "request_revision", by, comment, expected_state=expected_state)


def proposal_reject(*, proposal, by, comment, expected_state=None):
    return _fire(proposal, "reject", by, comment, expected_state=expected_state)


def proposal_withdraw(*, proposal, by, comment="", expected_state=None):
    return _fire(proposal, "withdraw", by, comment, expected_state=expected_state)


def proposal_start(*, proposal, by, comment="", expected_state=None):
    return _fire(proposal, "start", by, comment, expected_state=expected_state)


def proposal_complete(
    *, proposal, by, actual_households, actual_cost, report, comment="", expected_state=None
):
    """The community's completion report: actual households and cost, what was done."""
    if isinstance(actual_households, bool) or not isinstance(actual_households, int) or actual_households < 0:
        raise TransitionRefused(_("Enter the number of households that benefit."))
    if actual_households > 100_000:
        raise TransitionRefused(_("The number of households is too large to be right."))
    _check_amount(actual_cost, field="actual_cost")
    if not (report or "").strip():
        raise TransitionRefused(_("Describe what was done."), field_errors={"report": [str(_("Required."))]})

    def before(locked):
        locked.actual_households = actual_households
        locked.actual_cost = actual_cost
        locked.completion_note = report.strip()

    return _fire(proposal, "complete", by, comment, expected_state=expected_state, before=before)


def proposal_close(*, proposal, by, comment="", expected_state=None):
    return _fire(proposal, "close", by, comment, expected_state=expected_state)


def _lock_fund(city):
    fund = CityFund.objects.select_for_update().filter(city=city).first()
    if fund is None:
        raise TransitionRefused(_("This city has no fund yet: record its seed capital first."))
    return fund


def proposal_disburse(*, proposal, by, amount, date=None, token=None, comment="", expected_state=None):
    """Pay one tranche of an approved proposal from its city's fund: never more than the fund's
    balance or the approved amount not yet disbursed. `token` (from the form) makes a
    double-submitted form record one tranche, not two. A revolving loan gets its repayment
    schedule at the first tranche."""
    _check_amount(amount)
    date = date or timezone.localdate()

    def effects(locked):
        fund = _lock_fund(locked.community.ward.city)
        if token is not None and LedgerEntry.objects.filter(idempotency_key=token).exists():
            raise TransitionConflict(_("This disbursement was already recorded (the form was sent twice)."))
        left = locked.amount_left
        if amount > left:
            raise TransitionRefused(
                _("Only %(left)s VND of the approved amount is left to disburse.") % {"left": f"{left:,}"},
                field_errors={"amount": [str(_("More than the approved amount left."))]},
            )
        balance = fund.balance()
        if amount > balance:
            raise TransitionRefused(
                _("The fund holds only %(balance)s VND.") % {"balance": f"{balance:,}"},
                field_errors={"amount": [str(_("More than the fund's balance."))]},
            )
        entry = LedgerEntry(
            fund=fund,
            kind=LedgerEntry.Kind.DISBURSEMENT,
            amount=-amount,
            date=date,
            proposal=locked,
            description=(comment or "")[:300],
            recorded_by=by,
            idempotency_key=token,
        )
        _clean(entry)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as exc:
            raise TransitionConflict(
                _("This disbursement was already recorded (the form was sent twice).")
            ) from exc
        if locked.is_loan and not locked.instalments.exists():
            _make_schedule(locked, start=date)

    return _fire(proposal, "disburse", by, comment, expected_state=expected_state, effects=effects)


def _add_months(day, months):
    month0 = day.month - 1 + months
    return datetime.date(day.year + month0 // 12, month0 % 12 + 1, min(day.day, 28))


def _make_schedule(proposal, *, start):
    """Equal monthly instalments of the approved amount, the remainder on the last one."""
    months = proposal.repayment_months or 1
    base, rest = divmod(proposal.approved_amount, months)
    rows = [
        RepaymentInstalment(
            proposal=proposal,
            number=n,
            due_date=_add_months(start, n),
            amount=base + (rest if n == months else 0),
        )
        for n in range(1, months + 1)
    ]
    RepaymentInstalment.objects.bulk_create([r for r in rows if r.amount > 0])


# --- the fund ---------------------------------------------------------------------------------

CONTRIBUTION_KINDS = (
    LedgerEntry.Kind.SEED_CAPITAL,
    LedgerEntry.Kind.CITY_BUDGET,
    LedgerEntry.Kind.DONOR,
    LedgerEntry.Kind.ADJUSTMENT,
)


def _require_secretary(by, city):
    if not user_has_role(by, Role.CDF_SECRETARY, city):
        raise TransitionRefused(_("Only the city's CDF secretary keeps its ledger."))


@transaction.atomic
def fund_open(*, city, by) -> CityFund:
    _require_secretary(by, city)
    fund, _created = CityFund.objects.get_or_create(city=city)
    return fund


@transaction.atomic
def fund_record_contribution(*, city, by, kind, amount, date=None, description="", token=None) -> LedgerEntry:
    """Money into (or, for an adjustment, out of) the city's fund."""
    _require_secretary(by, city)
    if kind not in CONTRIBUTION_KINDS:
        raise TransitionRefused(_("Choose a kind of contribution."))
    if kind == LedgerEntry.Kind.ADJUSTMENT:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0 or abs(amount) > MAX_AMOUNT:
            raise TransitionRefused(_("An adjustment is a whole VND amount, positive or negative, not zero."))
    else:
        _check_amount(amount)
    if kind == LedgerEntry.Kind.ADJUSTMENT and not description.strip():
        raise TransitionRefused(
            _("Explain the adjustment."), field_errors={"description": [str(_("Required."))]}
        )
    CityFund.objects.get_or_create(city=city)
    fund = _lock_fund(city)
    if token is not None and LedgerEntry.objects.filter(idempotency_key=token).exists():
        raise TransitionConflict(_("This entry was already recorded (the form was sent twice)."))
    if amount < 0 and fund.balance() + amount < 0:
        raise TransitionRefused(_("The fund's balance cannot go below zero."))
    entry = LedgerEntry(
        fund=fund,
        kind=kind,
        amount=amount,
        date=date or timezone.localdate(),
        description=description.strip(),
        recorded_by=by,
        idempotency_key=token,
    )
    _clean(entry)
    entry.save()
    return entry


@transaction.atomic
def loan_record_repayment(*, proposal, by, amount, date=None, token=None, description="") -> LedgerEntry:
    """A repayment of a revolving loan returns money to the city's fund."""
    _check_amount(amount)
    locked = Proposal.objects.select_for_update(of=("self",)).with_places().get(pk=proposal.pk)
    city = locked.community.ward.city
    _require_secretary(by, city)
    if not locked.is_loan:
        raise TransitionRefused(_("This proposal is a grant: it is not repaid."))
    outstanding = locked.disbursed - locked.repaid
    if amount > outstanding:
        raise TransitionRefused(
            _("Only %(outstanding)s VND is outstanding on this loan.") % {"outstanding": f"{outstanding:,}"},
            field_errors={"amount": [str(_("More than is outstanding."))]},
        )
    fund = _lock_fund(city)
    if token is not None and LedgerEntry.objects.filter(idempotency_key=token).exists():
        raise TransitionConflict(_("This repayment was already recorded (the form was sent twice)."))
    entry = LedgerEntry(
        fund=fund,
        kind=LedgerEntry.Kind.REPAYMENT,
        amount=amount,
        date=date or timezone.localdate(),
        proposal=locked,
        description=description.strip()[:300],
        recorded_by=by,
        idempotency_key=token,
    )
    _clean(entry)
    entry.save()
    return entry


@transaction.atomic
def ledger_reverse_entry(*, entry, by, reason) -> LedgerEntry:
    """Correct a mistaken entry with its exact opposite; the original stays."""
    entry = LedgerEntry.objects.select_related("fund__city").get(pk=entry.pk)
    city = entry.fund.city
    _require_secretary(by, city)
    if not (reason or "").strip():
        raise TransitionRefused(
            _("Give the reason for the correction."), field_errors={"reason": [str(_("Required."))]}
        )
    if entry.reverses_id is not None:
        raise TransitionRefused(_("A correction cannot itself be reversed; record a new entry instead."))
    if entry.proposal_id:
        Proposal.objects.select_for_update(of=("self",)).get(pk=entry.proposal_id)
    fund = _lock_fund(city)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise TransitionConflict(_("This entry was already reversed."))
    if fund.balance() - entry.amount < 0:
        raise TransitionRefused(_("Reversing this entry would take the fund's balance below zero."))
    reversal = LedgerEntry(
        fund=fund,
        kind=entry.kind,
        amount=-entry.amount,
        date=timezone.localdate(),
        proposal_id=entry.proposal_id,
        reverses=entry,
        description=str(
            _("Correction of entry %(id)s: %(reason)s") % {"id": entry.pk, "reason": reason.strip()}
        )[:300],
        recorded_by=by,
    )
    _clean(reversal)
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError as exc:
        raise TransitionConflict(_("This entry was already reversed.")) from exc
    return reversal


@transaction.atomic
def policy_set(*, city, by, ward_endorsement_required, programme_threshold) -> CityWorkflowPolicy:
    if not user_has_role(by, Role.PROGRAMME_STAFF):
        raise TransitionRefused(_("Only programme staff set a city's workflow policy."))
    policy, _created = CityWorkflowPolicy.objects.get_or_create(city=city)
    policy.ward_endorsement_required = ward_endorsement_required
    policy.programme_threshold = programme_threshold
    _clean(policy)
    policy.save()
    return policy


# Which service the generic "fire a transition" view calls for a plain action (comment only).
SIMPLE_ACTIONS = {
    "submit": proposal_submit,
    "resubmit": proposal_resubmit,
    "endorse": proposal_endorse,
    "approve": proposal_approve,
    "programme_approve": proposal_programme_approve,
    "request_revision": proposal_request_revision,
    "reject": proposal_reject,
    "withdraw": proposal_withdraw,
    "start": proposal_start,
    "close": proposal_close,
}


__all__ = ["WorkflowError"]
