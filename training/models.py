"""Courses, their sessions in the member cities, and who attended which day.

People are the shared registry in `portal.Person`; a session's attendance is one
`Attendance` row per person (with the role they came in) and one `AttendanceDay` per
person and day of the session (present or absent). Participant-days = present day rows.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from portal.models import ChoiceLabels, City, Person, Role
from portal.permissions import LocalRole
from workflows.engine import Allow, Condition, Guard, Workflow, action, register


class Course(models.Model):
    class Topic(models.TextChoices):
        CDF_SOFTWARE = "cdf_software", _("CDF financial management software")
        COMMUNITY_MAPPING = "community_mapping", _("Community mapping")
        SAVINGS_GROUPS = "savings_groups", _("Savings group management")
        UPGRADING_PLANNING = "upgrading_planning", _("Community upgrading planning")
        CDF_MANAGEMENT = "cdf_management", _("CDF management and revolving funds")
        COMMUNITY_SUPPORTERS = "community_supporters", _("Community supporter skills")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200, unique=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    description = models.TextField(_("description"), blank=True)
    target_roles = models.JSONField(
        _("target roles"),
        default=list,
        blank=True,
        help_text=_("Roles in the network the course is meant for."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return self.title

    def clean(self):
        valid = set(Person.NetworkRole.values)
        if not isinstance(self.target_roles, list) or not set(self.target_roles) <= valid:
            raise ValidationError({"target_roles": _("Choose target roles from the list.")})

    def target_role_labels(self):
        return [Person.NetworkRole(code).label for code in self.target_roles]


class TrainingSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(TRAINING_WORKFLOW.visible_q(user))

    def awaiting(self, user):
        return self.filter(TRAINING_WORKFLOW.worklist_q(user))

    def held(self):
        return self.filter(status__in=[TrainingSession.Status.HELD, TrainingSession.Status.REPORT_SUBMITTED])


HAS_STARTED = Condition(
    _("the session has started"),
    check=lambda session: session.starts_at <= timezone.now(),
    q=lambda: Q(starts_at__lte=Now()),
)
# Who runs a session: the trainers listed on it (in the cities their trainer role covers) and
# programme staff. Secretaries of the city read along.
MANAGERS = (Role.TRAINER, Role.PROGRAMME_STAFF)
READERS = (*MANAGERS, Role.CDF_SECRETARY)


class TrainingSession(ChoiceLabels, ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        CANCELLED = "cancelled", _("Cancelled")

    S = Status  # short name for the declarations below

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short code written on attendance sheets, e.g. vinh-2014-cdf."),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("city")
    )
    venue = models.CharField(_("venue"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="training_sessions",
        blank=True,
        verbose_name=_("trainers"),
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=30, validators=[MinValueValidator(1)])
    status = FSMField(_("status"), default=Status.PLANNED, choices=Status.choices, protected=True)
    topics_covered = models.TextField(_("topics covered"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted"), null=True, blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    scope_paths = {"city": "city"}
    # Plone's local role: a trainer acts on the sessions they are listed on
    local_roles = {Role.TRAINER: LocalRole("trainers")}

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="session_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["city", "starts_at"])]

    def __str__(self):
        return f"{self.course} · {self.city} · {self.start_date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("training:session_detail", args=[self.pk])

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # The protected status field refuses the assignment clean_fields() makes; it is
        # only ever changed by its transitions.
        exclude = {*(exclude or ()), "status"}
        super().full_clean(
            exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_constraints
        )

    def clean(self):
        if self.starts_at and self.ends_at:
            if self.ends_at < self.starts_at:
                raise ValidationError({"ends_at": _("The session cannot end before it starts.")})
            if (self.end_date - self.start_date).days > 30:
                raise ValidationError({"ends_at": _("A session lasts at most 31 days.")})

    @property
    def start_date(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def end_date(self):
        return timezone.localtime(self.ends_at).date()

    @property
    def days(self):
        """Every calendar day of the session, in order."""
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=i) for i in range(count)]

    @property
    def is_closed(self):
        """Attendance and report are locked: the report is in, or the session was cancelled."""
        return self.status in (self.Status.REPORT_SUBMITTED, self.Status.CANCELLED)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    # --- the lifecycle: fired only through training.services (engine.transition_fire) -------

    @action(
        field="status",
        source=S.PLANNED,
        target=S.HELD,
        guard=Guard(Allow(*MANAGERS)),
        conditions=[HAS_STARTED],
        label=_("Mark as held"),
        style="primary",
    )
    def mark_held(self, by=None, description=None):
        pass

    @action(
        field="status",
        source=S.HELD,
        target=S.REPORT_SUBMITTED,
        guard=Guard(Allow(*MANAGERS)),
        label=_("Submit the report"),
        style="primary",
        form="report",
    )
    def submit_report(self, by=None, description=None):
        self.report_submitted_at = timezone.now()

    @action(
        field="status",
        source=S.PLANNED,
        target=S.CANCELLED,
        guard=Guard(Allow(*MANAGERS)),
        label=_("Cancel the session"),
        comment_required=True,
        style="danger",
    )
    def cancel(self, by=None, description=None):
        pass


_S = TrainingSession.Status
TRAINING_WORKFLOW = register(
    Workflow(
        model=TrainingSession,
        field_name="status",
        view_roles=dict.fromkeys(_S.values, READERS),
        # attendance, report and details are locked once the report is in (or it is cancelled)
        edit_roles={_S.PLANNED: MANAGERS, _S.HELD: MANAGERS},
        related=("course", "city"),
        prefetch=("trainers",),
    )
)


class SessionPhoto(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="photos", verbose_name=_("session")
    )
    # under documents/: private storage, served only by the session's photo view
    image = models.ImageField(_("photo"), upload_to="documents/training/photos/%Y/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")

    def __str__(self):
        return self.caption or self.image.name


class Attendance(ChoiceLabels, models.Model):
    """A person on a session's roster, in the role they came in."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="training_attendances", verbose_name=_("person")
    )
    role = models.CharField(
        _("role at the session"),
        max_length=30,
        choices=Person.NetworkRole.choices,
        default=Person.NetworkRole.COMMUNITY_MEMBER,
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    scope_paths = {"city": "session__city"}
    # Thousands of rows per session: keep them out of Wagtail's usage index (each save would
    # cost a few more queries, and "which attendance rows use this city" helps nobody).
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["person__name_folded"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session")
        ]

    def __str__(self):
        return f"{self.person} · {self.session}"


class AttendanceDay(models.Model):
    attendance = models.ForeignKey(
        Attendance, on_delete=models.CASCADE, related_name="days", verbose_name=_("attendance")
    )
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        ordering = ["day"]
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")
        constraints = [models.UniqueConstraint(fields=["attendance", "day"], name="attendance_day_once")]
        indexes = [models.Index(fields=["day", "present"])]

    def __str__(self):
        return f"{self.attendance} · {self.day:%d/%m/%Y}"

    def clean(self):
        if self.attendance_id and self.day and self.day not in self.attendance.session.days:
            raise ValidationError({"day": _("This day is not part of the session.")})
