"""The publication workflow, declared once and reused by every published record (forum minutes,
exchange reports): draft → pending review → published → archived, with "send back" (a comment
is required) from review or from published.

A concrete model inherits `PublishedRecord`, says who authors and who publishes, and registers
`publication_workflow(Model)`::

    class Minutes(PublishedRecord):
        author_roles = (Role.CITY_OFFICIAL, Role.CDF_SECRETARY)
        publisher_roles = (Role.PROGRAMME_STAFF,)
        scope_paths = {"city": "meeting__host_city"}
        def get_absolute_url(self): ...

    MINUTES_WORKFLOW = register(publication_workflow(Minutes))

Authors may view and edit drafts of the places their role covers; publishers see everything
but drafts' edits are the authors'; published records are readable by every logged-in user, and
by anyone when marked public (`is_public`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from portal.models import Role

from .engine import ANYONE, LOGGED_IN, Allow, Condition, Guard, Workflow, action


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


P = Publication
AUTHORS = Allow(model_roles="author_roles")
PUBLISHERS = Allow(model_roles="publisher_roles")

MARKED_PUBLIC = Condition(
    _("marked public"),
    check=lambda obj: obj.is_public,
    q=lambda: Q(is_public=True),
)


class PublishedRecord(ConcurrentTransitionMixin, models.Model):
    """An abstract record with the publication lifecycle. Subclasses set `author_roles`,
    `publisher_roles`, `scope_paths` (and optionally `local_roles`) and `get_absolute_url`."""

    author_roles: tuple = ()
    publisher_roles: tuple = (Role.PROGRAMME_STAFF,)

    state = FSMField(
        _("publication state"), default=P.DRAFT, choices=P.choices, protected=True, db_index=True
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Once published, readable without logging in. Leave off for anything with personal data."
        ),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def full_clean(self, exclude=None, **kwargs):
        # the state changes only through its transitions
        super().full_clean(exclude={*(exclude or ()), "state"}, **kwargs)

    @property
    def is_published(self):
        return self.state == P.PUBLISHED

    @action(
        field="state",
        source=P.DRAFT,
        target=P.PENDING,
        guard=Guard(AUTHORS, PUBLISHERS),
        label=_("Submit for review"),
        style="primary",
    )
    def submit_for_review(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=P.PENDING,
        target=P.PUBLISHED,
        guard=Guard(PUBLISHERS),
        label=_("Publish"),
        style="primary",
    )
    def publish(self, by=None, description=None):
        self.published_at = timezone.now()

    @action(
        field="state",
        source=[P.PENDING, P.PUBLISHED],
        target=P.DRAFT,
        guard=Guard(PUBLISHERS),
        label=_("Send back"),
        comment_required=True,
    )
    def send_back(self, by=None, description=None):
        pass

    @action(
        field="state",
        source=P.PUBLISHED,
        target=P.ARCHIVED,
        guard=Guard(PUBLISHERS),
        label=_("Archive"),
    )
    def archive(self, by=None, description=None):
        pass


def publication_workflow(model, *, related=(), prefetch=(), readers=()) -> Workflow:
    """The publication workflow for a concrete `PublishedRecord`. `readers`: more roles that
    may read drafts and records under review (e.g. the other city of an exchange)."""
    authors = tuple(model.author_roles)
    publishers = tuple(model.publisher_roles)
    insiders = (*authors, *publishers, *readers)
    return Workflow(
        model=model,
        field_name="state",
        view_roles={
            P.DRAFT: insiders,
            P.PENDING: insiders,
            P.PUBLISHED: (LOGGED_IN, ANYONE),
            P.ARCHIVED: insiders,
        },
        edit_roles={P.DRAFT: (*authors, *publishers), P.PENDING: publishers},
        owner_roles=authors,
        related=tuple(related),
        prefetch=tuple(prefetch),
        public=MARKED_PUBLIC,
    )
