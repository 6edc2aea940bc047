"""Geography, people and scoped roles of the CDF network, and the site's content pages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .text import fold, normalize_phone

_CHOICE_LABELS = {}


class ChoiceLabels:
    """`get_FOO_display()` from a label map built once per field. Django rebuilds the map on
    every call, hashing each lazy label, which is a translation lookup: a 25-row list page
    spent 500 of them on two columns. The map keeps the lazy labels, so each call still
    answers in the active language. For fields whose choices are fixed in the code."""

    def _get_FIELD_display(self, field):
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = _CHOICE_LABELS[field] = dict(field.flatchoices)
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (JSON): no label can match it
            label = value
        return force_str(label, strings_only=True)


class FoldedNameModel(models.Model):
    """A place or person whose name keeps its diacritics and also has an ASCII-folded copy
    for matching ("Đà Nẵng" and "da nang" find each other)."""

    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(_("name (ASCII)"), max_length=200, editable=False, db_index=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)


class Province(FoldedNameModel):
    class Region(models.TextChoices):
        NORTH = "north", _("North")
        CENTRAL = "central", _("Central")
        SOUTH = "south", _("South")

    region = models.CharField(_("region"), max_length=10, choices=Region.choices)

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [models.UniqueConstraint(fields=["name"], name="province_unique_name")]


class City(FoldedNameModel):
    """A city of the CDF network. Scope root for city officials and CDF secretaries."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="cities", verbose_name=_("province")
    )
    cdf_member_since = models.PositiveSmallIntegerField(
        _("CDF member since"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_paths = {"city": ""}

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="city_unique_name")]


class Ward(FoldedNameModel):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="wards", verbose_name=_("city"))

    scope_paths = {"ward": "", "city": "city"}

    class Meta:
        ordering = ["city__name_folded", "name_folded"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="ward_unique_name")]


class Community(FoldedNameModel):
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="communities", verbose_name=_("ward")
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)

    scope_paths = {"community": "", "ward": "ward", "city": "ward__city"}

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [models.UniqueConstraint(fields=["ward", "name"], name="community_unique_name")]

    def clean(self):
        if self.households and self.population and self.population < self.households:
            raise ValidationError(
                {"population": _("Population cannot be smaller than the number of households.")}
            )


class SavingsGroup(FoldedNameModel):
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="savings_groups",
        verbose_name=_("community"),
    )
    founded = models.DateField(_("founded"), null=True, blank=True)
    members = models.PositiveIntegerField(_("members"), default=0)
    savings_balance = models.BigIntegerField(
        _("savings balance (VND)"), default=0, validators=[MinValueValidator(0)]
    )

    scope_paths = {"community": "community", "ward": "community__ward", "city": "community__ward__city"}

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("savings group")
        verbose_name_plural = _("savings groups")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="savingsgroup_unique_name"),
            models.CheckConstraint(
                condition=models.Q(savings_balance__gte=0), name="savingsgroup_balance_positive"
            ),
        ]


phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{8,20}$", _("Enter a phone number of 8 to 20 digits, e.g. 0912 345 678.")
)


class Person(ChoiceLabels, FoldedNameModel):
    """Someone in the network: a community member, leader, official or trainer.
    Not necessarily a user of the portal."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class NetworkRole(models.TextChoices):
        COMMUNITY_MEMBER = "community_member", _("Community member")
        COMMUNITY_LEADER = "community_leader", _("Community leader")
        SAVINGS_GROUP_LEADER = "savings_group_leader", _("Savings group leader")
        COMMUNITY_SUPPORTER = "community_supporter", _("Community supporter")
        CDF_SECRETARY = "cdf_secretary", _("CDF secretary")
        WARD_OFFICER = "ward_officer", _("Ward officer")
        CITY_OFFICIAL = "city_official", _("City official")
        YOUNG_PROFESSIONAL = "young_professional", _("Young professional")
        NGO_STAFF = "ngo_staff", _("NGO / programme staff")
        OTHER = "other", _("Other")

    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    phone_normalized = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        verbose_name=_("city"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.SET_NULL,
        related_name="people",
        null=True,
        blank=True,
        verbose_name=_("community"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    network_role = models.CharField(
        _("role in the network"),
        max_length=30,
        choices=NetworkRole.choices,
        default=NetworkRole.COMMUNITY_MEMBER,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("portal user"),
    )

    scope_paths = {"community": "community", "ward": "community__ward", "city": "city"}
    # The registry grows by thousands (attendance imports): keep people out of Wagtail's
    # usage index, whose per-save bookkeeping would triple the cost of creating one.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["city", "name_folded", "year_of_birth"])]

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        if self.community_id and not self.city_id:
            self.city_id = self.community.ward.city_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.community_id and self.city_id and self.community.ward.city_id != self.city_id:
            raise ValidationError({"community": _("The community is not in the person's city.")})


class Role(models.TextChoices):
    """Scoped roles (Plone's local roles). Codes are stable; only labels are translated."""

    COMMUNITY_REPRESENTATIVE = "community_rep", _("Community representative")
    WARD_OFFICER = "ward_officer", _("Ward officer")
    CITY_OFFICIAL = "city_official", _("City official")
    CDF_SECRETARY = "cdf_secretary", _("CDF secretary")
    TRAINER = "trainer", _("Trainer")
    PROGRAMME_STAFF = "programme_staff", _("Programme staff")


class Scope(models.TextChoices):
    COMMUNITY = "community", _("Community")
    WARD = "ward", _("Ward")
    CITY = "city", _("City")
    NATIONAL = "national", _("National")


# Which scope each role may be granted at.
ROLE_SCOPES = {
    Role.COMMUNITY_REPRESENTATIVE: {Scope.COMMUNITY},
    Role.WARD_OFFICER: {Scope.WARD},
    Role.CITY_OFFICIAL: {Scope.CITY},
    Role.CDF_SECRETARY: {Scope.CITY},
    Role.TRAINER: {Scope.CITY, Scope.NATIONAL},
    Role.PROGRAMME_STAFF: {Scope.NATIONAL},
}


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    """Ties a user to a role in one scope: a community, a ward, a city, or the whole network.
    The scope is the one place field that is set (none for national)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("city"))
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("ward"))
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("community")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # At most one place is set: the scope is that place, or national when none is.
            models.CheckConstraint(
                condition=(
                    models.Q(city__isnull=True, ward__isnull=True)
                    | models.Q(city__isnull=True, community__isnull=True)
                    | models.Q(ward__isnull=True, community__isnull=True)
                ),
                name="membership_one_scope",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope(self):
        if self.community_id:
            return Scope.COMMUNITY
        if self.ward_id:
            return Scope.WARD
        if self.city_id:
            return Scope.CITY
        return Scope.NATIONAL

    @property
    def scope_object_id(self):
        return self.community_id or self.ward_id or self.city_id

    @property
    def scope_object(self):
        return self.community or self.ward or self.city

    @property
    def scope_label(self):
        place = self.scope_object
        return str(place) if place else str(Scope.NATIONAL.label)

    def clean(self):
        places = [f for f in ("city", "ward", "community") if getattr(self, f"{f}_id")]
        if len(places) > 1:
            raise ValidationError(
                _("Choose only one place: a city, a ward or a community (or none for national).")
            )
        if not self.role:
            return
        allowed = ROLE_SCOPES[Role(self.role)]
        if self.scope not in allowed:
            needed = ", ".join(str(s.label).lower() for s in sorted(allowed))
            single_place = {
                frozenset({Scope.COMMUNITY}): "community",
                frozenset({Scope.WARD}): "ward",
                frozenset({Scope.CITY}): "city",
            }
            field = single_place.get(frozenset(allowed))
            message = _("A %(role)s must be scoped to: %(scopes)s.") % {
                "role": Role(self.role).label.lower(),
                "scopes": needed,
            }
            raise ValidationError({field: message} if field else message)
        duplicates = Membership.objects.filter(
            user_id=self.user_id,
            role=self.role,
            city_id=self.city_id,
            ward_id=self.ward_id,
            community_id=self.community_id,
        ).exclude(pk=self.pk)
        if self.user_id and duplicates.exists():
            raise ValidationError(_("This user already has this role in this scope."))


# --- Wagtail content pages ---------------------------------------------------------------


class ContentBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
    figure = blocks.StructBlock(
        [
            ("number", blocks.CharBlock(label=_("Number"))),
            ("caption", blocks.CharBlock(label=_("Caption"))),
        ],
        label=_("Key figure"),
        icon="order",
    )


class HomePage(Page):
    """The programme's front page. Vietnamese text first, English optional."""

    intro = RichTextField(_("introduction (Vietnamese)"), blank=True)
    intro_en = RichTextField(_("introduction (English)"), blank=True)
    body = StreamField(ContentBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        FieldPanel("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .selectors import network_figures

        context = super().get_context(request, *args, **kwargs)
        context["figures"] = network_figures()
        return context


class ContentPage(Page):
    """About, news and other editorial pages, moderated with Wagtail's own workflow."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(ContentBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]

    class Meta:
        verbose_name = _("content page")
