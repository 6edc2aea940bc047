"""Read queries for forum pages. Visibility comes from the publication workflow's declaration:

- minutes: `MINUTES_WORKFLOW.visible_q(user)` (drafts to the meeting's cities' officials and
  secretaries and to staff; published to every logged-in user; public ones to anyone);
- a meeting's decisions and action items: to whoever may record them (the meeting's cities'
  officials and secretaries, staff), and to whoever may read the meeting's published minutes.
Forums and meetings themselves (name, date, venue, counts) are open to everyone; named
participants only to logged-in users.
"""

import difflib

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import City, Role
from portal.permissions import may_hold, places_of, scope_q, user_has_role

from .models import (
    AUTHOR_ROLES,
    INSIDER_ROLES,
    MINUTES_WORKFLOW,
    ActionItem,
    Decision,
    Forum,
    Meeting,
    Minutes,
    Publication,
)
from .richtext import html_to_text

ISSUE_ADDRESSEES = (Decision.AddressedTo.MINISTRY, Decision.AddressedTo.VUF)


# --- who may do what ---------------------------------------------------------------------------


def can_view_minutes(user, minutes):
    return MINUTES_WORKFLOW.can_view(user, minutes)


def can_edit_minutes(user, minutes):
    return MINUTES_WORKFLOW.can_edit(user, minutes)


def can_manage_meeting(user, meeting):
    return user_has_role(user, INSIDER_ROLES, meeting)


def can_update_action_item(user, item):
    """Mark done or follow up: the officials and secretaries of the owner city or of the
    meeting's cities, and staff (the item's `scope_paths`)."""
    return user_has_role(user, INSIDER_ROLES, item)


def can_record_meetings(user):
    return user_has_role(user, INSIDER_ROLES)


def can_see_people(user, minutes_or_meeting=None):
    """Named participants, authors and history are personal data: logged-in users only."""
    return bool(user and user.is_authenticated)


# --- meeting-level visibility -----------------------------------------------------------------------


def meeting_open_q(user) -> Q:
    """Meetings whose decisions and action items the user may read."""
    published = Minutes.objects.filter(meeting=OuterRef("pk"), state=Publication.PUBLISHED).filter(
        MINUTES_WORKFLOW.visible_q(user)
    )
    q = Exists(published)
    if may_hold(user, Meeting, INSIDER_ROLES):
        q = Q(q) | scope_q(Meeting, user, INSIDER_ROLES)
    return Q(q)


def open_meetings(user):
    return Meeting.objects.filter(meeting_open_q(user))


# --- lists ------------------------------------------------------------------------------------------


def forum_list(*, level=""):
    qs = Forum.objects.annotate(
        meeting_count=Count("meetings", distinct=True), last_meeting=Max("meetings__date")
    )
    if level:
        qs = qs.filter(level=level)
    return qs.prefetch_related("cities").order_by("level", "name")


def meetings_of(forum, user, *, year=None):
    visible = Minutes.objects.visible_to(user).only("pk", "meeting_id", "language", "state", "is_public")
    qs = (
        Meeting.objects.filter(forum=forum)
        .select_related("host_city")
        .prefetch_related(Prefetch("minutes", queryset=visible, to_attr="visible_minutes"))
        .order_by("-date", "pk")
    )
    if year:
        qs = qs.filter(date__year=year)
    return qs


def meeting_years(forum):
    return list(
        Meeting.objects.filter(forum=forum)
        .annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def meeting_page(meeting, user):
    """What the meeting page shows: the minutes the user may read, and (when the user may read
    them) decisions and action items."""
    minutes = list(Minutes.objects.visible_to(user).filter(meeting=meeting).order_by("language"))
    open_to_user = Meeting.objects.filter(pk=meeting.pk).filter(meeting_open_q(user)).exists()
    decisions = actions = []
    if open_to_user:
        decisions = list(meeting.decisions.order_by("kind", "raised_on", "pk"))
        actions = list(
            ActionItem.objects.filter(Q(meeting=meeting) | Q(followed_up_at=meeting))
            .select_related("owner_city", "owner_person", "meeting", "followed_up_at")
            .order_by("due_on", "pk")
        )
    return {"minutes": minutes, "open": open_to_user, "decisions": decisions, "actions": actions}


def issues_raised(user, *, addressed_to="", status="", year=None, city=None, level=""):
    """Issues raised to ministries and the Vietnam Urban Forum (Result 2), newest first."""
    qs = (
        Decision.objects.filter(kind=Decision.Kind.ISSUE, addressed_to__in=ISSUE_ADDRESSEES)
        .filter(meeting__in=open_meetings(user).values("pk"))
        .select_related("meeting__forum", "meeting__host_city")
        .order_by("-raised_on", "pk")
    )
    if addressed_to:
        qs = qs.filter(addressed_to=addressed_to)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(raised_on__year=year)
    if city is not None:
        qs = qs.filter(
            Q(meeting__host_city=city) | Q(meeting__in=Meeting.objects.filter(cities=city).values("pk"))
        )
    if level:
        qs = qs.filter(meeting__forum__level=level)
    return qs


def issue_years(user):
    """Years with issues the user may see (the filter never hints at others)."""
    return list(
        Decision.objects.filter(kind=Decision.Kind.ISSUE, meeting__in=open_meetings(user).values("pk"))
        .annotate(year=ExtractYear("raised_on"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def visible_action_items(user):
    """Action items of meetings open to the user, and those the user's city owns."""
    q = Q(meeting__in=open_meetings(user).values("pk"))
    if may_hold(user, ActionItem, INSIDER_ROLES):
        q |= scope_q(ActionItem, user, INSIDER_ROLES)
    return ActionItem.objects.filter(q)


def open_action_items(user, *, city=None, overdue_only=False):
    qs = (
        visible_action_items(user)
        .filter(status=ActionItem.Status.OPEN)
        .select_related("owner_city", "owner_person", "meeting__forum", "meeting__host_city")
        .prefetch_related("meeting__cities")
        .order_by("owner_city__name_folded", "due_on", "pk")
    )
    if city is not None:
        qs = qs.filter(owner_city=city)
    if overdue_only:
        qs = qs.filter(due_on__lt=timezone.localdate())
    return qs


def my_action_items(user, limit=8):
    """Open items owned by the cities the user works for (as a city official or CDF
    secretary), or by the user's own person record; overdue first."""
    city_ids = [m.city_id for m in places_of(user, AUTHOR_ROLES) if m.city_id]
    owner = Q(owner_person__user=user) if user.is_authenticated else Q(pk__in=[])
    if city_ids:
        owner |= Q(owner_city_id__in=city_ids)
    return list(
        ActionItem.objects.filter(owner, status=ActionItem.Status.OPEN)
        .select_related("owner_city", "meeting")
        .order_by("due_on", "pk")[:limit]
    )


def cities_with_open_items(user):
    return City.objects.filter(pk__in=open_action_items(user).values("owner_city")).order_by("name_folded")


def author_cities(user):
    """Cities the user records meetings for (None: every city, for programme staff)."""
    if user_has_role(user, Role.PROGRAMME_STAFF):
        return City.objects.all()
    ids = [m.city_id for m in places_of(user, AUTHOR_ROLES) if m.city_id]
    return City.objects.filter(pk__in=ids)


# --- versions ----------------------------------------------------------------------------------------


def versions(minutes):
    """The minutes' revisions, newest first, with who saved them."""
    return list(minutes.revisions.select_related("user").order_by("-created_at", "-pk"))


def version_compare(minutes, older, newer):
    """A side-by-side comparison of two versions: the text line by line (escaped by difflib's
    HtmlDiff) and the other fields that differ."""
    a, b = older.content, newer.content
    left = html_to_text(a.get("body", "")).splitlines()
    right = html_to_text(b.get("body", "")).splitlines()
    table = difflib.HtmlDiff(wrapcolumn=48).make_table(
        left,
        right,
        fromdesc=_("Version of %(when)s") % {"when": _when(older.created_at)},
        todesc=_("Version of %(when)s") % {"when": _when(newer.created_at)},
        context=False,
    )
    fields = []
    labels = {
        "language": Minutes._meta.get_field("language"),
        "is_public": Minutes._meta.get_field("is_public"),
    }
    for name, field in labels.items():
        if a.get(name) != b.get(name):
            fields.append((field.verbose_name, _display(field, a.get(name)), _display(field, b.get(name))))
    return {"table": table, "fields": fields, "same_text": left == right}


def _when(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _display(field, value):
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value
