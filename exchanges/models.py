"""Exchange visits: communities and cities learning from each other.

One `ExchangeVisit` is a visit hosted by one city (and some of its communities), by communities
of the same city or by one or more other cities. Who took part is `ExchangeParticipant` (a
person of the shared registry, their role and home city); what each city learned is its own
`ExchangeLesson` row, so each city's secretary edits only its own; the report's photos and
documents are `ExchangeFile` rows, kept private and served through a permission check.

Lifecycle (declared below, fired only through `exchanges.services`):
planned → held → report submitted → report published, and planned → cancelled.
The host city's CDF secretary plans, marks held and reports; programme staff publish or send
the report back.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from portal.models import ChoiceLabels, City, Community, Person, Role
from portal.permissions import PlaceRole
from workflows.engine import ANYONE, LOGGED_IN, Allow, Condition, Guard, Workflow, action, register
from workflows.publication import MARKED_PUBLIC

# The CDF secretary of the host city (not of a visiting city): plans and reports.
HOST_SECRETARY = "exchange_host_secretary"


class Topic(models.TextChoices):
    SAVINGS_GROUPS = "savings_groups", _("Savings groups")
    MAPPING = "mapping", _("Community mapping")
    UPGRADING = "upgrading", _("Community upgrading")
    CDF_MANAGEMENT = "cdf_management", _("CDF management")
    FORUMS = "forums", _("Forums")


class ExchangeVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(EXCHANGE_WORKFLOW.visible_q(user))

    def taken_place(self):
        S = ExchangeVisit.State
        return self.filter(state__in=[S.HELD, S.REPORT_SUBMITTED, S.REPORT_PUBLISHED])


HAS_STARTED = Condition(
    _("the visit has started"),
    check=lambda visit: visit.start_date <= timezone.localdate(),
    q=lambda: Q(start_date__lte=timezone.localdate()),
)
REPORT_WRITTEN = Condition(
    _("the report is written"),
    check=lambda visit: bool(visit.report_text.strip()),
    q=lambda: ~Q(report_text=""),
)

HOSTS = (HOST_SECRETARY, Role.PROGRAMME_STAFF)
# Who reads an exchange before its report is published: both cities' secretaries and officials,
# the representatives of the communities involved, programme staff.
READERS = (
    Role.CDF_SECRETARY,
    Role.CITY_OFFICIAL,
    Role.COMMUNITY_REPRESENTATIVE,
    Role.PROGRAMME_STAFF,
)


class ExchangeVisit(ChoiceLabels, ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        WITHIN_CITY = "within_city", _("Community to community, within a city")
        CITY_TO_CITY = "city_to_city", _("City to city")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_PUBLISHED = "report_published", _("Report published")
        CANCELLED = "cancelled", _("Cancelled")

    class Payer(models.TextChoices):
        HOST_CDF = "host_cdf", _("Host city's CDF")
        VISITING_CDF = "visiting_cdf", _("Visiting city's CDF")
        PROGRAMME = "programme", _("National programme")
        SHARED = "shared", _("Shared")
        OTHER = "other", _("Other")

    S = State

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    host_city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="exchanges_hosted", verbose_name=_("host city")
    )
    host_communities = models.ManyToManyField(
        Community, related_name="exchanges_hosted", blank=True, verbose_name=_("host communities")
    )
    visiting_cities = models.ManyToManyField(
        City, related_name="exchanges_visited", blank=True, verbose_name=_("visiting cities")
    )
    visiting_communities = models.ManyToManyField(
        Community, related_name="exchanges_visited", blank=True, verbose_name=_("visiting communities")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    purpose = models.TextField(_("purpose"))
    budget = models.PositiveBigIntegerField(_("budget (VND)"), default=0)
    paid_by = models.CharField(_("paid by"), max_length=20, choices=Payer.choices, default=Payer.HOST_CDF)
    state = FSMField(_("state"), default=S.PLANNED, choices=S.choices, protected=True, db_index=True)
    report_text = models.TextField(_("report"), blank=True)
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Once published, the report can be read without logging in (never participants' names or phones)."
        ),
    )
    report_submitted_at = models.DateTimeField(_("report submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ExchangeVisitQuerySet.as_manager()

    scope_paths = {
        "city": ("host_city", "visiting_cities"),
        "community": ("host_communities", "visiting_communities"),
    }
    local_roles = {
        HOST_SECRETARY: PlaceRole(
            Role.CDF_SECRETARY, {"city": "host_city"}, label=_("CDF secretary of the host city")
        )
    }

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("exchange visit")
        verbose_name_plural = _("exchange visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="exchange_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["host_city", "start_date"])]

    def __str__(self):
        return f"{self.title} · {self.start_date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("exchanges:detail", args=[self.pk])

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # the state changes only through its transitions
        super().full_clean(
            exclude={*(exclude or ()), "state"},
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The visit cannot end before it starts.")})
        if self.start_date and self.end_date and (self.end_date - self.start_date).days > 30:
            raise ValidationError({"end_date": _("A visit lasts at most 31 days.")})

    @property
    def is_open(self):
        """Participants may still be added (planned or held)."""
        return self.state in (self.S.PLANNED, self.S.HELD)

    @property
    def is_published(self):
        return self.state == self.S.REPORT_PUBLISHED

    def city_ids(self):
        """The host and visiting cities' ids (reads prefetched visiting cities)."""
        return {self.host_city_id} | {c.pk for c in self.visiting_cities.all()}

    # --- the lifecycle: fired only through exchanges.services (engine.transition_fire) -------

    @action(
        field="state",
        source=S.PLANNED,
        target=S.HELD,
        guard=Guard(Allow(*HOSTS)),
        conditions=[HAS_STARTED],
        label=_("Mark as held"),
        style="primary",
    )
    def mark_held(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=S.HELD,
        target=S.REPORT_SUBMITTED,
        guard=Guard(Allow(*HOSTS)),
        conditions=[REPORT_WRITTEN],
        label=_("Submit the report"),
        style="primary",
        form="report",
    )
    def submit_report(self, by=None, description=None):
        self.report_submitted_at = timezone.now()

    @action(
        field="state",
        source=S.REPORT_SUBMITTED,
        target=S.REPORT_PUBLISHED,
        guard=Guard(Allow(Role.PROGRAMME_STAFF)),
        label=_("Publish the report"),
        style="primary",
    )
    def publish(self, by=None, description=None):
        self.published_at = timezone.now()

    @action(
        field="state",
        source=[S.REPORT_SUBMITTED, S.REPORT_PUBLISHED],
        target=S.HELD,
        guard=Guard(Allow(Role.PROGRAMME_STAFF)),
        label=_("Send the report back"),
        comment_required=True,
    )
    def send_back(self, by=None, description=None):
        self.published_at = None

    @action(
        field="state",
        source=S.PLANNED,
        target=S.CANCELLED,
        guard=Guard(Allow(*HOSTS)),
        label=_("Cancel the visit"),
        comment_required=True,
        style="danger",
    )
    def cancel(self, by=None, description=None):
        pass


_S = ExchangeVisit.State
EXCHANGE_WORKFLOW = register(
    Workflow(
        model=ExchangeVisit,
        field_name="state",
        view_roles={
            _S.PLANNED: READERS,
            _S.HELD: READERS,
            _S.REPORT_SUBMITTED: READERS,
            _S.CANCELLED: READERS,
            # a published report: every logged-in user, and anyone when marked public
            _S.REPORT_PUBLISHED: (*READERS, LOGGED_IN, ANYONE),
        },
        # details, report, photos and documents: the host, until the report is submitted
        edit_roles={_S.PLANNED: HOSTS, _S.HELD: HOSTS},
        owner_roles=(HOST_SECRETARY,),
        related=("host_city",),
        prefetch=("visiting_cities", "host_communities", "visiting_communities"),
        public=MARKED_PUBLIC,
    )
)


class ExchangeTopic(models.Model):
    exchange = models.ForeignKey(ExchangeVisit, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)

    class Meta:
        ordering = ["topic"]
        verbose_name = _("exchange topic")
        verbose_name_plural = _("exchange topics")
        constraints = [models.UniqueConstraint(fields=["exchange", "topic"], name="exchange_topic_once")]

    def __str__(self):
        return self.get_topic_display()


class ExchangeParticipant(ChoiceLabels, models.Model):
    """A person who took part, in the role they came in, for the city they came from (the host
    or a visiting city: that city's secretary adds and removes them)."""

    exchange = models.ForeignKey(
        ExchangeVisit, on_delete=models.CASCADE, related_name="participants", verbose_name=_("exchange")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="exchange_participations", verbose_name=_("person")
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="exchange_participants", verbose_name=_("home city")
    )
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=Person.NetworkRole.choices,
        default=Person.NetworkRole.COMMUNITY_MEMBER,
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    scope_paths = {"city": "city"}
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["city__name_folded", "person__name_folded", "pk"]
        verbose_name = _("exchange participant")
        verbose_name_plural = _("exchange participants")
        constraints = [
            models.UniqueConstraint(fields=["exchange", "person"], name="exchange_participant_once")
        ]

    def __str__(self):
        return f"{self.person} · {self.exchange}"


class ExchangeLesson(ChoiceLabels, models.Model):
    """What one city (host or visitor) learned and will do next: one row per city."""

    exchange = models.ForeignKey(
        ExchangeVisit, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("exchange")
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    lessons = models.TextField(_("lessons learned"))
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_paths = {"city": "city"}

    class Meta:
        ordering = ["city__name_folded"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        constraints = [models.UniqueConstraint(fields=["exchange", "city"], name="exchange_lesson_per_city")]

    def __str__(self):
        return f"{self.city} · {self.exchange}"


class ExchangeFile(models.Model):
    """A photo or document of the report. Stored under MEDIA_ROOT/documents/ (never served
    directly) and sent only through `exchanges:file` after a permission check; anonymous
    readers get only files marked public on a public published report."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    exchange = models.ForeignKey(
        ExchangeVisit, on_delete=models.CASCADE, related_name="files", verbose_name=_("exchange")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="documents/exchanges/%Y/")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0, validators=[MinValueValidator(1)])
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public page of a public published report.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self):
        return self.caption or self.filename

    def get_absolute_url(self):
        return reverse("exchanges:file", args=[self.pk])

    @property
    def is_image(self):
        return self.kind == self.Kind.PHOTO
