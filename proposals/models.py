"""Sub-grant proposals of communities, their lifecycle, each city's workflow policy and the
city fund's ledger.

The proposal lifecycle is declared on `Proposal` with django-fsm-2 `@transition`s whose
guard is a `Guard` of scoped roles (workflows.engine). Fire transitions only through
`proposals.services` (which call `engine.transition_fire`); the state field is protected.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField

from portal.models import ChoiceLabels, City, Community, Role
from portal.permissions import scope_q
from workflows.engine import Allow, Condition, Guard, Workflow, action, register

MAX_AMOUNT = 100_000_000_000  # 100 billion VND: anything above is a typing mistake
DEFAULT_THRESHOLD = 200_000_000


class CityWorkflowPolicy(models.Model):
    """Plone's placeful workflow policy: how proposals of one city travel, set by staff
    in the admin without code. A city without a row uses the defaults."""

    city = models.OneToOneField(
        City, on_delete=models.CASCADE, related_name="workflow_policy", verbose_name=_("city")
    )
    ward_endorsement_required = models.BooleanField(
        _("ward endorsement required"),
        default=True,
        help_text=_("When off, the city official acts directly on submitted proposals."),
    )
    programme_threshold = models.BigIntegerField(
        _("programme approval above (VND)"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
        help_text=_("Approved amounts above this also need approval by programme staff."),
    )

    class Meta:
        verbose_name = _("city workflow policy")
        verbose_name_plural = _("city workflow policies")
        ordering = ["city__name_folded"]

    def __str__(self):
        return str(self.city)

    def summary(self):
        """One sentence for the diagram page."""
        if self.ward_endorsement_required:
            first = _("Ward endorsement required.")
        else:
            first = _("No ward endorsement: the city acts on submitted proposals.")
        second = _("Programme staff also approve above %(amount)s VND.") % {
            "amount": f"{self.programme_threshold:,}".replace(",", ".")
        }
        return f"{first} {second}"

    @classmethod
    def for_city(cls, city):
        try:
            return city.workflow_policy
        except cls.DoesNotExist:
            return cls(city=city)


# --- conditions (each is callable for django-fsm and a Q for worklists) -------------------------

CITY_PATH = "community__ward__city"

WARD_STEP = Condition(
    _("the city requires ward endorsement"),
    check=lambda p: p.policy.ward_endorsement_required,
    q=lambda: ~Q(**{f"{CITY_PATH}__workflow_policy__ward_endorsement_required": False}),
    policy=lambda policy: policy.ward_endorsement_required,
)
NO_WARD_STEP = ~WARD_STEP


def _disbursed_subquery():
    return Subquery(
        LedgerEntry.objects.filter(proposal=OuterRef("pk"), kind=LedgerEntry.Kind.DISBURSEMENT)
        .order_by()
        .values("proposal")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )


def _repaid_subquery():
    return Subquery(
        LedgerEntry.objects.filter(proposal=OuterRef("pk"), kind=LedgerEntry.Kind.REPAYMENT)
        .order_by()
        .values("proposal")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )


AMOUNT_LEFT = Condition(
    _("part of the approved amount is not yet disbursed"),
    check=lambda p: p.amount_left > 0,
    # disbursements are negative ledger amounts
    q=lambda: Q(approved_amount__gt=-Coalesce(_disbursed_subquery(), Value(0))),
)


def _approval_target(proposal, *args, **kwargs):
    """Above the city's threshold the city's approval waits for programme staff."""
    return proposal.approval_target()


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(PROPOSAL_WORKFLOW.visible_q(user))

    def of_my_communities(self, user):
        return self.filter(scope_q(Proposal, user, Role.COMMUNITY_REPRESENTATIVE))

    def awaiting(self, user):
        return self.filter(PROPOSAL_WORKFLOW.worklist_q(user))

    def with_awaiting(self, user):
        """`awaiting_me` on each row: whether the user may act on it now (in the same query,
        not one more per page)."""
        return self.annotate(
            awaiting_me=ExpressionWrapper(
                PROPOSAL_WORKFLOW.worklist_q(user), output_field=models.BooleanField()
            )
        )

    def with_places(self):
        return self.select_related(*PROPOSAL_WORKFLOW.related)

    def with_money(self):
        return self.annotate(
            disbursed_total=-Coalesce(_disbursed_subquery(), Value(0)),
            repaid_total=Coalesce(_repaid_subquery(), Value(0)),
        )


class Proposal(ChoiceLabels, ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        # stable codes; only labels are translated
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        ENDORSED = "endorsed", _("Endorsed by ward")
        PENDING_PROGRAMME = "pending_programme", _("Awaiting programme approval")
        APPROVED = "approved", _("Approved")
        FUNDED = "funded", _("Funded")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    S = State  # short name for the declarations below

    class Category(models.TextChoices):
        WATER = "water", _("Water supply")
        DRAINAGE = "drainage", _("Drainage and sewerage")
        ROADS = "roads", _("Alley paving and roads")
        LIGHTING = "lighting", _("Lighting")
        HOUSING = "housing", _("Housing repair")
        BUILDING = "building", _("Community building")
        WASTE = "waste", _("Waste")
        OTHER = "other", _("Other")

    class FundingType(models.TextChoices):
        GRANT = "grant", _("Grant")
        LOAN = "loan", _("Revolving loan")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    households_planned = models.PositiveIntegerField(
        _("households benefiting (planned)"), default=0, validators=[MaxValueValidator(100_000)]
    )
    requested_amount = models.BigIntegerField(
        _("requested amount (VND)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    contribution_cash = models.BigIntegerField(
        _("community contribution in cash (VND)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    contribution_labour = models.BigIntegerField(
        _("community contribution in labour (VND)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    funding_type = models.CharField(
        _("funding type"), max_length=10, choices=FundingType.choices, default=FundingType.GRANT
    )
    repayment_months = models.PositiveSmallIntegerField(
        _("repayment months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    approved_amount = models.BigIntegerField(_("approved amount (VND)"), default=0, editable=False)
    # completion report
    actual_households = models.PositiveIntegerField(
        _("households benefiting (actual)"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    actual_cost = models.BigIntegerField(
        _("actual cost (VND)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    completion_note = models.TextField(_("completion report"), blank=True)

    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    scope_paths = {"community": "community", "ward": "community__ward", "city": CITY_PATH}
    # nothing links to a proposal from rich text: skip Wagtail's reference index on every save
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["state", "-updated_at"]),
            models.Index(fields=["community", "state"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(requested_amount__gte=0), name="proposal_requested_positive"),
            models.CheckConstraint(condition=Q(approved_amount__gte=0), name="proposal_approved_positive"),
            models.CheckConstraint(
                condition=Q(contribution_cash__gte=0, contribution_labour__gte=0),
                name="proposal_contribution_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:proposal_detail", args=[self.pk])

    def full_clean(self, exclude=None, **kwargs):
        # The state is protected (django-fsm) and only changes through transitions; cleaning
        # it would try to assign it.
        super().full_clean(exclude={*(exclude or ()), "state"}, **kwargs)

    def clean(self):
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The end cannot be before the start.")
        if self.funding_type == self.FundingType.LOAN and not self.repayment_months:
            errors["repayment_months"] = _("A revolving loan needs a number of repayment months.")
        if self.funding_type == self.FundingType.GRANT and self.repayment_months:
            errors["repayment_months"] = _("A grant is not repaid: leave repayment months empty.")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def policy(self):
        return CityWorkflowPolicy.for_city(self.community.ward.city)

    @property
    def city(self):
        return self.community.ward.city

    @property
    def total_cost(self):
        return self.requested_amount + self.contribution_cash + self.contribution_labour

    @property
    def disbursed(self):
        if hasattr(self, "disbursed_total"):
            return self.disbursed_total
        total = self.ledger_entries.filter(kind=LedgerEntry.Kind.DISBURSEMENT).aggregate(s=Sum("amount"))["s"]
        return -(total or 0)

    @property
    def repaid(self):
        if hasattr(self, "repaid_total"):
            return self.repaid_total
        total = self.ledger_entries.filter(kind=LedgerEntry.Kind.REPAYMENT).aggregate(s=Sum("amount"))["s"]
        return total or 0

    @property
    def amount_left(self):
        return self.approved_amount - self.disbursed

    @property
    def is_loan(self):
        return self.funding_type == self.FundingType.LOAN

    def approval_target(self, *args, **kwargs):
        if self.approved_amount > self.policy.programme_threshold:
            return self.State.PENDING_PROGRAMME
        return self.State.APPROVED

    # --- the lifecycle ------------------------------------------------------------------------
    # Each transition is declared once (its sources, guard, label and comment rule); the
    # methods take by= and description= (django-fsm-log records them). Business rules that need
    # input (amounts, reports) live in the services, which fire these through
    # engine.transition_fire.

    @action(
        field="state",
        source=S.DRAFT,
        target=S.SUBMITTED,
        guard=Guard(Allow(Role.COMMUNITY_REPRESENTATIVE)),
        label=_("Submit"),
        style="primary",
    )
    def submit(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=S.SUBMITTED,
        target=S.ENDORSED,
        guard=Guard(Allow(Role.WARD_OFFICER, when=WARD_STEP)),
        label=_("Endorse"),
        style="primary",
    )
    def endorse(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=[S.SUBMITTED, S.ENDORSED],
        target=GET_STATE(_approval_target, [S.APPROVED, S.PENDING_PROGRAMME]),
        guard=Guard(
            Allow(Role.CITY_OFFICIAL, sources=[S.ENDORSED]),
            Allow(Role.CITY_OFFICIAL, when=NO_WARD_STEP, sources=[S.SUBMITTED]),
        ),
        label=_("Approve"),
        style="primary",
    )
    def approve(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=S.PENDING_PROGRAMME,
        target=S.APPROVED,
        guard=Guard(Allow(Role.PROGRAMME_STAFF)),
        label=_("Approve for the programme"),
        style="primary",
    )
    def programme_approve(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=[S.SUBMITTED, S.ENDORSED, S.PENDING_PROGRAMME],
        target=S.REVISION_REQUESTED,
        guard=Guard(
            Allow(Role.WARD_OFFICER, when=WARD_STEP, sources=[S.SUBMITTED]),
            Allow(Role.CITY_OFFICIAL, when=NO_WARD_STEP, sources=[S.SUBMITTED]),
            Allow(Role.CITY_OFFICIAL, sources=[S.ENDORSED]),
            Allow(Role.PROGRAMME_STAFF, sources=[S.PENDING_PROGRAMME]),
        ),
        label=_("Request revision"),
        comment_required=True,
    )
    def request_revision(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=S.REVISION_REQUESTED,
        target=S.SUBMITTED,
        guard=Guard(Allow(Role.COMMUNITY_REPRESENTATIVE)),
        label=_("Resubmit"),
        style="primary",
    )
    def resubmit(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=[S.SUBMITTED, S.ENDORSED, S.PENDING_PROGRAMME],
        target=S.REJECTED,
        guard=Guard(
            Allow(Role.CITY_OFFICIAL, when=NO_WARD_STEP, sources=[S.SUBMITTED]),
            Allow(Role.CITY_OFFICIAL, sources=[S.ENDORSED]),
            Allow(Role.PROGRAMME_STAFF, sources=[S.PENDING_PROGRAMME]),
        ),
        label=_("Reject"),
        comment_required=True,
        style="danger",
    )
    def reject(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=[S.DRAFT, S.SUBMITTED, S.REVISION_REQUESTED, S.ENDORSED, S.PENDING_PROGRAMME],
        target=S.WITHDRAWN,
        guard=Guard(Allow(Role.COMMUNITY_REPRESENTATIVE)),
        label=_("Withdraw"),
        style="danger",
    )
    def withdraw(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=[S.APPROVED, S.FUNDED],
        target=S.FUNDED,
        conditions=[AMOUNT_LEFT],
        guard=Guard(Allow(Role.CDF_SECRETARY)),
        label=_("Disburse"),
        style="primary",
        form="disburse",
    )
    def disburse(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=S.FUNDED,
        target=S.IN_PROGRESS,
        guard=Guard(Allow(Role.COMMUNITY_REPRESENTATIVE)),
        label=_("Start the works"),
        style="primary",
    )
    def start(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=S.IN_PROGRESS,
        target=S.COMPLETED,
        guard=Guard(Allow(Role.COMMUNITY_REPRESENTATIVE)),
        label=_("Report completion"),
        style="primary",
        form="complete",
    )
    def complete(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=S.COMPLETED,
        target=S.CLOSED,
        guard=Guard(Allow(Role.CITY_OFFICIAL)),
        label=_("Verify and close"),
        style="primary",
    )
    def close(self, by=None, description=None):
        pass


_ALL = [
    Role.COMMUNITY_REPRESENTATIVE,
    Role.WARD_OFFICER,
    Role.CITY_OFFICIAL,
    Role.CDF_SECRETARY,
    Role.PROGRAMME_STAFF,
]
_S = Proposal.State

PROPOSAL_WORKFLOW = register(
    Workflow(
        model=Proposal,
        field_name="state",
        # a draft belongs to its community alone; everything after is seen by the reviewers
        view_roles={
            _S.DRAFT: [Role.COMMUNITY_REPRESENTATIVE],
            **{s: _ALL for s in _S.values if s != _S.DRAFT},
        },
        edit_roles={
            _S.DRAFT: [Role.COMMUNITY_REPRESENTATIVE],
            _S.REVISION_REQUESTED: [Role.COMMUNITY_REPRESENTATIVE],
        },
        owner_roles=(Role.COMMUNITY_REPRESENTATIVE,),
        related=("community__ward__city__workflow_policy",),
        policy_for=CityWorkflowPolicy.for_city,
        worklist_url=format_lazy("{}?awaiting=on", reverse_lazy("proposals:review_queue")),
    )
)


class BudgetLine(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("proposal")
    )
    item = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    unit_cost = models.BigIntegerField(
        _("unit cost (VND)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)]
    )
    total = models.BigIntegerField(
        _("total (VND)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="budgetline_total_positive")]

    def __str__(self):
        return self.item

    def expected_total(self):
        if self.quantity is None or self.unit_cost is None:
            return None
        try:
            product = Decimal(str(self.quantity)) * int(self.unit_cost)
        except (InvalidOperation, TypeError, ValueError):
            return None
        return int(product.to_integral_value(rounding=ROUND_HALF_UP))

    def clean(self):
        expected = self.expected_total()
        if expected is not None and self.total is not None and self.total != expected:
            raise ValidationError(
                {
                    "total": _("Quantity × unit cost is %(expected)s, not %(total)s.")
                    % {"expected": f"{expected:,}", "total": f"{self.total:,}"}
                }
            )


class ProposalAttachment(models.Model):
    class Kind(models.TextChoices):
        MAP = "map", _("Map")
        PHOTO = "photo", _("Photo")
        BUDGET_SHEET = "budget_sheet", _("Budget sheet")
        COMPLETION_PHOTO = "completion_photo", _("Completion photo")
        OTHER = "other", _("Other document")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("proposal")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_paths = {
        "community": "proposal__community",
        "ward": "proposal__community__ward",
        "city": "proposal__community__ward__city",
    }

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.document.title

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class ProposalComment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.body[:60]


# --- the city fund and its ledger --------------------------------------------------------------


class CityFund(models.Model):
    """A city's Community Development Fund. Its balance is the sum of its ledger entries:
    derived, never stored."""

    city = models.OneToOneField(City, on_delete=models.PROTECT, related_name="fund", verbose_name=_("city"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = {"city": "city"}

    class Meta:
        ordering = ["city__name_folded"]
        verbose_name = _("city fund")
        verbose_name_plural = _("city funds")

    def __str__(self):
        return _("CDF %(city)s") % {"city": self.city}

    def balance(self):
        return self.entries.aggregate(s=Sum("amount"))["s"] or 0


class LedgerEntry(ChoiceLabels, models.Model):
    """One movement of money, signed: money in is positive, money out negative. Nothing is
    deleted or changed: a correction is a reversing entry (`reverses`), same kind, opposite
    sign, at most one per entry."""

    class Kind(models.TextChoices):
        SEED_CAPITAL = "seed_capital", _("Seed capital")
        CITY_BUDGET = "city_budget", _("City budget contribution")
        DONOR = "donor", _("Donor contribution")
        DISBURSEMENT = "disbursement", _("Disbursement")
        REPAYMENT = "repayment", _("Loan repayment")
        ADJUSTMENT = "adjustment", _("Adjustment")

    INFLOWS = (Kind.SEED_CAPITAL, Kind.CITY_BUDGET, Kind.DONOR, Kind.REPAYMENT)

    fund = models.ForeignKey(
        CityFund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    date = models.DateField(_("date"))
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("proposal"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # one-time token of the form that created it: a double-submitted form records nothing twice
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    scope_paths = {"city": "fund__city"}

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["fund", "-date", "-id"]), models.Index(fields=["proposal", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["seed_capital", "city_budget", "donor", "repayment"],
                        reverses__isnull=True,
                        amount__gt=0,
                    )
                    | Q(
                        kind__in=["seed_capital", "city_budget", "donor", "repayment"],
                        reverses__isnull=False,
                        amount__lt=0,
                    )
                    | Q(kind="disbursement", reverses__isnull=True, amount__lt=0)
                    | Q(kind="disbursement", reverses__isnull=False, amount__gt=0)
                    | (Q(kind="adjustment") & ~Q(amount=0))
                ),
                name="ledgerentry_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["disbursement", "repayment"], proposal__isnull=False)
                | ~Q(kind__in=["disbursement", "repayment"]),
                name="ledgerentry_money_for_proposal",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:+,}"

    @property
    def is_reversal(self):
        return self.reverses_id is not None


class RepaymentInstalment(models.Model):
    """The schedule of a revolving loan. Whether an instalment is paid is derived from the
    repayments recorded in the ledger (paid in order), never stored."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    amount = models.BigIntegerField(_("amount (VND)"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = _("repayment instalment")
        verbose_name_plural = _("repayment instalments")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="instalment_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.proposal} #{self.number}"


__all__ = [
    "AMOUNT_LEFT",
    "BudgetLine",
    "CityFund",
    "CityWorkflowPolicy",
    "LedgerEntry",
    "NO_WARD_STEP",
    "PROPOSAL_WORKFLOW",
    "Proposal",
    "ProposalAttachment",
    "ProposalComment",
    "RepaymentInstalment",
    "WARD_STEP",
]
