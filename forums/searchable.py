"""What of the forums is searchable (see `portal/searchable.py`), registered in
`forums/wagtail_hooks.py`:

- minutes: the body, the text extracted from their attachments, the meeting's title, venue and
  agenda; who finds them is the publication workflow's `visible_q` (drafts only by the meeting's
  cities' officials and secretaries and staff, public ones by anyone);
- decisions and issues raised, and action items: their text (and answer, addressee), the meeting's
  title and venue; found by whoever may read them on the meeting page (`selectors.meeting_open_q`:
  the meeting's insiders, and readers of its published minutes), with the matching access keys.
Facets: type, city (the host city), forum level, year.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.permissions import object_places
from portal.searchable import Searchable

from .models import (
    INSIDER_ROLES,
    ActionItem,
    Decision,
    Forum,
    Meeting,
    Minutes,
    MinutesAttachment,
    Publication,
)
from .richtext import html_to_text
from .selectors import meeting_open_q, visible_action_items

LEVELS = {"level": dict(Forum.Level.choices)}


def _meeting_text(meeting):
    return [meeting.title, meeting.venue, meeting.agenda]


def _level(obj):
    return {"level": obj.meeting.forum.level}


# --- minutes ---------------------------------------------------------------------------------------


def _minutes_text(minutes):
    yield html_to_text(minutes.body)
    for attachment in minutes.attachments.all():
        yield attachment.document.title
        yield attachment.text
    yield from _meeting_text(minutes.meeting)


MINUTES = Searchable(
    model=Minutes,
    type="minutes",
    label=_("Forum minutes"),
    title=lambda m: f"{m.meeting.title} · {m.get_language_display()}",
    text=_minutes_text,
    date=lambda m: m.meeting.date,
    city=lambda m: m.meeting.host_city,
    facets=_level,
    facet_labels=LEVELS,
    url=lambda m: m.get_absolute_url(),
    related=("meeting__forum", "meeting__host_city"),
    prefetch=("meeting__cities", "attachments__document"),
    depends_on={
        MinutesAttachment: lambda a: [a.minutes],
        Meeting: lambda meeting: list(meeting.minutes.all()),
    },
    order=40,
)


# --- decisions and action items: visible with their meeting ---------------------------------------


def _meeting_keys(obj, meeting):
    """Access keys agreeing with `meeting_open_q`: the insiders over the record's places, and
    readers of the meeting's published minutes (logged-in users; anyone if they are public)."""
    keys = set()
    places = object_places(obj)
    for role in INSIDER_ROLES:
        keys.add(f"{role}@national")
        for level, ids in places.items():
            keys.update(f"{role}@{level}:{pk}" for pk in ids)
    published = [m for m in meeting.minutes.all() if m.state == Publication.PUBLISHED]
    if published:
        keys.add("logged_in")
    if any(m.is_public for m in published):
        keys.add("anyone")
    return sorted(keys)


def _decision_visible_q(user):
    return Q(meeting__in=Meeting.objects.filter(meeting_open_q(user)).values("pk"))


DECISIONS = Searchable(
    model=Decision,
    type="decision",
    label=_("Decisions and issues raised"),
    title=lambda d: f"{d.get_kind_display()}: {d.meeting.title}",
    text=lambda d: [d.text, d.addressee, d.answer, d.meeting.title, d.meeting.venue],
    date=lambda d: d.raised_on,
    city=lambda d: d.meeting.host_city,
    facets=_level,
    facet_labels=LEVELS,
    url=lambda d: d.get_absolute_url(),
    related=("meeting__forum", "meeting__host_city"),
    prefetch=("meeting__cities", "meeting__minutes"),
    depends_on={
        Minutes: lambda m: list(m.meeting.decisions.all()),
        Meeting: lambda meeting: list(meeting.decisions.all()),
    },
    visible_q=_decision_visible_q,
    access_keys=lambda d: _meeting_keys(d, d.meeting),
    order=41,
)

ACTION_ITEMS = Searchable(
    model=ActionItem,
    type="action_item",
    label=_("Action items"),
    title=lambda a: f"{a.text[:80]} · {a.meeting.title}",
    text=lambda a: [a.text, a.meeting.title, a.meeting.venue],
    date=lambda a: a.due_on,
    city=lambda a: a.owner_city or a.meeting.host_city,
    facets=_level,
    facet_labels=LEVELS,
    url=lambda a: a.get_absolute_url(),
    related=("meeting__forum", "meeting__host_city", "owner_city"),
    prefetch=("meeting__cities", "meeting__minutes"),
    depends_on={
        Minutes: lambda m: list(m.meeting.action_items.all()),
        Meeting: lambda meeting: list(meeting.action_items.all()),
    },
    visible_q=lambda user: Q(pk__in=visible_action_items(user).values("pk")),
    access_keys=lambda a: _meeting_keys(a, a.meeting),
    order=42,
)

SEARCHABLES = [MINUTES, DECISIONS, ACTION_ITEMS]
