"""What of the forums is searchable, declared in one place for the search app to read
(`search/` imports no domain app; it reads each app's declaration).

Each entry of `SOURCES` says, for one record type: the model, the rows to index (`queryset`),
the text fields and how to get their plain text (`document(obj)`), the facets (type, city,
forum level, year), who may see a row (`visible_q(user)`, straight from the publication
workflow for minutes), and the URL of a result. Everything here is plain data and functions.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from .models import MINUTES_WORKFLOW, ActionItem, Decision, Meeting, Minutes, MinutesAttachment
from .richtext import html_to_text
from .selectors import meeting_open_q, visible_action_items


def _cities(meeting):
    names = {c.name for c in meeting.cities.all()}
    if meeting.host_city_id:
        names.add(meeting.host_city.name)
    return sorted(names)


def _meeting_facets(meeting, kind):
    return {
        "type": kind,
        "city": _cities(meeting),
        "level": meeting.forum.level,
        "year": meeting.date.year,
    }


# --- minutes: body, attachment text, meeting title and venue --------------------------------------


def minutes_queryset():
    return Minutes.objects.select_related("meeting__forum", "meeting__host_city").prefetch_related(
        "meeting__cities",
        Prefetch("attachments", queryset=MinutesAttachment.objects.only("pk", "minutes_id", "text")),
    )


def minutes_document(minutes):
    meeting = minutes.meeting
    return {
        "title": f"{meeting.title} · {minutes.get_language_display()}",
        "body": html_to_text(minutes.body),
        "attachments": "\n".join(a.text for a in minutes.attachments.all() if a.text),
        "meeting": f"{meeting.title}\n{meeting.venue}",
        "language": minutes.language,
        "facets": _meeting_facets(meeting, "minutes"),
        "date": meeting.date,
    }


# --- decisions and issues raised -----------------------------------------------------------------


def decision_queryset():
    return Decision.objects.select_related("meeting__forum", "meeting__host_city").prefetch_related(
        "meeting__cities"
    )


def decision_document(decision):
    meeting = decision.meeting
    return {
        "title": f"{decision.get_kind_display()}: {meeting.title}",
        "body": "\n".join(filter(None, [decision.text, decision.addressee, decision.answer])),
        "meeting": f"{meeting.title}\n{meeting.venue}",
        "facets": _meeting_facets(meeting, "decision"),
        "date": decision.raised_on,
    }


def decision_visible_q(user):
    return Q(meeting__in=Meeting.objects.filter(meeting_open_q(user)).values("pk"))


# --- action items --------------------------------------------------------------------------------


def action_item_queryset():
    return ActionItem.objects.select_related(
        "meeting__forum", "meeting__host_city", "owner_city"
    ).prefetch_related("meeting__cities")


def action_item_document(item):
    meeting = item.meeting
    facets = _meeting_facets(meeting, "action_item")
    if item.owner_city_id:
        facets["city"] = sorted({*facets["city"], item.owner_city.name})
    return {
        "title": f"{_('Action item')}: {meeting.title}",
        "body": item.text,
        "meeting": f"{meeting.title}\n{meeting.venue}",
        "facets": facets,
        "date": item.due_on,
    }


def action_item_visible_q(user):
    return Q(pk__in=visible_action_items(user).values("pk"))


SOURCES = [
    {
        "type": "minutes",
        "label": _("Forum minutes"),
        "model": Minutes,
        "queryset": minutes_queryset,
        "fields": ("title", "body", "attachments", "meeting"),
        "document": minutes_document,
        "facets": ("type", "city", "level", "year"),
        "visible_q": MINUTES_WORKFLOW.visible_q,
        "url": lambda obj: obj.get_absolute_url(),
    },
    {
        "type": "decision",
        "label": _("Decisions and issues raised"),
        "model": Decision,
        "queryset": decision_queryset,
        "fields": ("title", "body", "meeting"),
        "document": decision_document,
        "facets": ("type", "city", "level", "year"),
        "visible_q": decision_visible_q,
        "url": lambda obj: obj.get_absolute_url(),
    },
    {
        "type": "action_item",
        "label": _("Action items"),
        "model": ActionItem,
        "queryset": action_item_queryset,
        "fields": ("title", "body", "meeting"),
        "document": action_item_document,
        "facets": ("type", "city", "level", "year"),
        "visible_q": action_item_visible_q,
        "url": lambda obj: obj.get_absolute_url(),
    },
]
