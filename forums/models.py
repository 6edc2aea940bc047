"""Forums of the CDF network, their meetings, the minutes of each meeting (versioned, published
through the shared publication workflow), decisions and issues raised, and action items.

- A `Forum` has a level (community forum up to the Vietnam Urban Forum) and the cities involved
  (one, several, or the whole network).
- A `Meeting` of a forum: date, venue, host city, participating cities, agenda, participant
  counts by gender and by role, and named participants from the shared `Person` registry.
- `Minutes` of a meeting, one per language: rich text plus attachments. Every save keeps a
  Wagtail revision (`RevisionMixin`), so staff compare and restore versions in the admin and
  officials do the same on the site. The state changes only through the publication workflow.
- `Decision`: a decision of the meeting, or an issue raised to the city, the province, a
  ministry or the Vietnam Urban Forum, with its answer (the programme's Result 2).
- `ActionItem`: owned by a person or a city, due on a date, set by one meeting and followed up
  by another.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import RevisionMixin

from portal.models import ChoiceLabels, City, Person, Role
from workflows.engine import register
from workflows.publication import Publication, PublishedRecord, publication_workflow

# Who writes a meeting's records (minutes, decisions, action items) and who oversees them.
AUTHOR_ROLES = (Role.CITY_OFFICIAL, Role.CDF_SECRETARY)
STAFF_ROLES = (Role.PROGRAMME_STAFF,)
INSIDER_ROLES = (*AUTHOR_ROLES, *STAFF_ROLES)
MEETING_PLACES = {"city": ("host_city", "cities")}

# The rich text features of minutes (the same list the import's sanitiser allows).
MINUTES_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "hr",
    "blockquote",
]


class Forum(ChoiceLabels, models.Model):
    class Level(models.TextChoices):
        COMMUNITY = "community", _("Community forum")
        INTRA_CITY = "intra_city", _("Intra-city forum")
        INTER_CITY = "inter_city", _("Inter-city forum")
        REGIONAL = "regional", _("Regional urban poor forum")
        NATIONAL_WORKSHOP = "national_workshop", _("Annual national workshop of CDF cities")
        VUF = "vuf", _("Vietnam Urban Forum")

    name = models.CharField(_("name"), max_length=200, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, db_index=True)
    cities = models.ManyToManyField(City, blank=True, related_name="forums", verbose_name=_("cities"))
    whole_network = models.BooleanField(
        _("whole network"), default=False, help_text=_("Every CDF city takes part (no list of cities).")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forums:forum_detail", args=[self.pk])


class Meeting(models.Model):
    forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("forum")
    )
    title = models.CharField(_("title"), max_length=250)
    date = models.DateField(_("date"), db_index=True)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    host_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host city"),
        help_text=_("Empty for national meetings held outside a CDF city."),
    )
    cities = models.ManyToManyField(
        City, blank=True, related_name="forum_meetings", verbose_name=_("participating cities")
    )
    agenda = models.TextField(_("agenda"), blank=True)
    participants_female = models.PositiveIntegerField(_("women"), default=0)
    participants_male = models.PositiveIntegerField(_("men"), default=0)
    participants_community = models.PositiveIntegerField(_("community members"), default=0)
    participants_government = models.PositiveIntegerField(_("government officials"), default=0)
    participants_other = models.PositiveIntegerField(_("others (NGO, programme, guests)"), default=0)
    people = models.ManyToManyField(
        Person, blank=True, related_name="forum_meetings", verbose_name=_("named participants")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_paths = MEETING_PLACES
    # Meetings, decisions and action items link no page, image or document: keep them out of
    # Wagtail's usage index, whose bookkeeping on every save would double an import's time.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["forum", "date", "title"], name="meeting_unique_forum_date_title")
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("forums:meeting_detail", args=[self.pk])

    @property
    def participants_total(self):
        return self.participants_female + self.participants_male

    def clean(self):
        by_role = self.participants_community + self.participants_government + self.participants_other
        if by_role and self.participants_total and by_role != self.participants_total:
            raise ValidationError(
                _("The counts by role (%(roles)s) and by gender (%(genders)s) should add up to the same.")
                % {"roles": by_role, "genders": self.participants_total}
            )


class MinutesQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(MINUTES_WORKFLOW.visible_q(user))

    def with_meeting(self):
        return self.select_related("meeting__forum", "meeting__host_city").prefetch_related("meeting__cities")


class Minutes(ChoiceLabels, RevisionMixin, PublishedRecord):
    """The minutes of a meeting in one language. Written by the city officials and CDF
    secretaries of the meeting's cities, published by programme staff."""

    class Language(models.TextChoices):
        VIETNAMESE = "vi", _("Vietnamese")
        ENGLISH = "en", _("English")

    author_roles = AUTHOR_ROLES
    publisher_roles = STAFF_ROLES
    scope_paths = {"city": ("meeting__host_city", "meeting__cities")}

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("meeting")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.VIETNAMESE
    )
    body = RichTextField(_("minutes"), features=MINUTES_FEATURES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = MinutesQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__date", "language"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "language"], name="minutes_unique_language")
        ]

    def __str__(self):
        return f"{self.meeting.title} · {self.get_language_display()}"

    def get_absolute_url(self):
        return reverse("forums:minutes_detail", args=[self.pk])


MINUTES_WORKFLOW = register(
    publication_workflow(
        Minutes,
        related=("meeting__forum", "meeting__host_city"),
        prefetch=("meeting__cities",),
    )
)
# The fields a version records and a restore brings back (never the state or the meeting).
VERSIONED_FIELDS = ("language", "body", "is_public")


class MinutesAttachment(models.Model):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed minutes")
        PHOTO = "photo", _("Photo")
        SLIDES = "slides", _("Slides")
        DOCUMENT = "document", _("Other document")

    class TextStatus(models.TextChoices):
        EXTRACTED = "extracted", _("Text extracted")
        NO_TEXT = "no_text", _("No text (scanned)")
        NOT_APPLICABLE = "none", _("Not a text document")

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("minutes")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    text = models.TextField(_("extracted text"), blank=True)
    text_status = models.CharField(_("text"), max_length=10, choices=TextStatus.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.document.title

    def get_absolute_url(self):
        return reverse("forums:attachment_download", args=[self.pk])

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class Decision(ChoiceLabels, models.Model):
    """A decision of the meeting or an issue it raised to someone, and its answer."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        ISSUE = "issue", _("Issue raised")

    class AddressedTo(models.TextChoices):
        CITY = "city", _("City")
        PROVINCE = "province", _("Province")
        MINISTRY = "ministry", _("Ministry")
        VUF = "vuf", _("Vietnam Urban Forum")

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ISSUE)
    text = models.TextField(_("text"))
    addressed_to = models.CharField(_("addressed to"), max_length=10, choices=AddressedTo.choices, blank=True)
    addressee = models.CharField(
        _("addressee"), max_length=200, blank=True, help_text=_("e.g. Ministry of Construction")
    )
    raised_on = models.DateField(_("date raised"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RAISED, db_index=True
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("date answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_paths = {"city": ("meeting__host_city", "meeting__cities")}
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-raised_on", "pk"]
        verbose_name = _("decision or issue")
        verbose_name_plural = _("decisions and issues")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("forums:meeting_detail", args=[self.meeting_id]) + f"#decision-{self.pk}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.ISSUE and not self.addressed_to:
            errors["addressed_to"] = _("Say to whom the issue was raised.")
        if self.status != self.Status.RAISED and not (self.answer or "").strip():
            errors["answer"] = _("Write the answer received.")
        if self.answered_on and self.raised_on and self.answered_on < self.raised_on:
            errors["answered_on"] = _("The answer cannot come before the issue was raised.")
        if errors:
            raise ValidationError(errors)


class ActionItem(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("set at meeting")
    )
    followed_up_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_up_items",
        verbose_name=_("followed up at meeting"),
    )
    text = models.TextField(_("action"))
    owner_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner city"),
    )
    owner_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_paths = {"city": ("owner_city", "meeting__host_city", "meeting__cities")}
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_city__isnull=False) | Q(owner_person__isnull=False),
                name="actionitem_has_owner",
            )
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("forums:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()

    def clean(self):
        if not self.owner_city_id and not self.owner_person_id:
            raise ValidationError(_("Name the owner: a person or a city."))
        if self.followed_up_at_id and self.followed_up_at_id == self.meeting_id:
            raise ValidationError({"followed_up_at": _("The follow-up is a later meeting.")})


__all__ = [
    "ActionItem",
    "Decision",
    "Forum",
    "Meeting",
    "Minutes",
    "MinutesAttachment",
    "MINUTES_WORKFLOW",
    "Publication",
]
