"""Write actions on forums, meetings, minutes, decisions and action items. Views, the admin, the
historic import and the demo all call these; each checks the user's role over the record (the
publication workflow for minutes, the meeting's cities for the rest) and runs in a transaction.

Every save of minutes goes through `_minutes_save`, which also saves a Wagtail revision: the
versions staff compare and restore are exactly the saves that happened.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from portal.models import Role
from portal.permissions import user_has_role
from portal.selectors import PersonMatcher, people_in_scope
from workflows.engine import TransitionConflict, TransitionRefused, WorkflowError, transition_fire

from .files import AttachmentError, read_upload
from .models import (
    AUTHOR_ROLES,
    INSIDER_ROLES,
    MINUTES_WORKFLOW,
    VERSIONED_FIELDS,
    ActionItem,
    Decision,
    Forum,
    Meeting,
    Minutes,
    MinutesAttachment,
)
from .richtext import body_from_input, clean_html

ATTACHMENT_COLLECTION = "Forum minutes attachments"


class ForumError(WorkflowError):
    """A forum action that cannot be done; the message says why."""


def _require(allowed, message=None):
    if not allowed:
        raise ForumError(message or _("You may not do this."))


def _clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ForumError.from_validation_error(exc) from exc


def can_manage_meeting(user, meeting):
    """Record a meeting's minutes, decisions and action items: the city officials and CDF
    secretaries of its host or participating cities, and programme staff."""
    return user_has_role(user, INSIDER_ROLES, meeting)


# --- forums and meetings -------------------------------------------------------------------------


@transaction.atomic
def forum_create(*, by, name, level, cities=(), whole_network=False, description="") -> Forum:
    _require(user_has_role(by, Role.PROGRAMME_STAFF), _("Only programme staff create forums."))
    forum = Forum(name=name, level=level, whole_network=whole_network, description=description)
    _clean(forum)
    forum.save()
    forum.cities.set(cities)
    return forum


MEETING_FIELDS = (
    "forum",
    "title",
    "date",
    "venue",
    "host_city",
    "agenda",
    "participants_female",
    "participants_male",
    "participants_community",
    "participants_government",
    "participants_other",
)


@transaction.atomic
def meeting_create(*, by, forum, title, date, host_city=None, cities=(), people=(), **fields) -> Meeting:
    """Record a meeting. Programme staff anywhere; a city official or CDF secretary for a
    meeting their city hosts."""
    if not user_has_role(by, Role.PROGRAMME_STAFF):
        _require(
            host_city is not None and user_has_role(by, AUTHOR_ROLES, host_city),
            _("You may record meetings only for the city you work for."),
        )
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ForumError(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    meeting = Meeting(forum=forum, title=title, date=date, host_city=host_city, created_by=by, **fields)
    _clean(meeting)
    meeting.save()
    city_ids = {c.pk for c in cities} | ({host_city.pk} if host_city else set())
    meeting.cities.set(city_ids)
    meeting.people.set(people)
    return meeting


@transaction.atomic
def meeting_update(*, meeting, by, cities=None, people=None, **fields) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(can_manage_meeting(by, locked), _("You may not change this meeting."))
    for name, value in fields.items():
        if name not in MEETING_FIELDS:
            raise ForumError(_("Unknown fields: %(names)s") % {"names": name})
        setattr(locked, name, value)
    _clean(locked)
    locked.save()
    if cities is not None:
        locked.cities.set({c.pk for c in cities} | ({locked.host_city_id} if locked.host_city_id else set()))
    if people is not None:
        locked.people.set(people)
    return locked


def meeting_participants_set(*, meeting, by, lines):
    """Name the meeting's participants from the shared people registry: one person a line,
    "name" or "name, phone", matched (same phone, or same ASCII-folded name) among the people
    of the meeting's cities. Returns (people linked, lines not found); the registry is not
    extended from here, so a typo never creates a person."""
    _require(can_manage_meeting(by, meeting), _("You may not change this meeting."))
    entries = []
    for line in lines:
        name, _sep, phone = (part.strip() for part in line.partition(","))
        if name:
            entries.append((line.strip(), name, phone))
    city_ids = set(meeting.cities.values_list("pk", flat=True)) | (
        {meeting.host_city_id} if meeting.host_city_id else set()
    )
    # only people of the meeting's cities that the user covers: a match never reveals anyone
    # outside the user's scope
    candidates = people_in_scope(by, INSIDER_ROLES).filter(city_id__in=city_ids)
    matcher = PersonMatcher(
        names=[n for _l, n, _p in entries],
        phones=[p for _l, _n, p in entries],
        among=candidates,
        within=candidates,
    )
    people, unknown = [], []
    for line, name, phone in entries:
        match = matcher.match(name=name, phone=phone)
        if match is None:
            unknown.append(line)
        else:
            people.append(match.person)
    with transaction.atomic():
        meeting.people.set(people)
    return people, unknown


# --- minutes and their versions ------------------------------------------------------------------


def _minutes_save(minutes, by, *, log_action, previous_revision=None):
    """Save minutes and keep the saved content as a new revision (a version)."""
    minutes.body = clean_html(minutes.body)
    _clean(minutes)
    minutes.save()
    minutes.save_revision(user=by, log_action=log_action, previous_revision=previous_revision, clean=False)
    return minutes


@transaction.atomic
def minutes_create(*, meeting, by, body, language=Minutes.Language.VIETNAMESE, is_public=False) -> Minutes:
    """Start the minutes of a meeting (a draft, version 1)."""
    minutes = Minutes(
        meeting=meeting, language=language, body=body_from_input(body), is_public=is_public, created_by=by
    )
    _require(
        user_has_role(by, INSIDER_ROLES, minutes),
        _("You may write minutes only for meetings of the city you work for."),
    )
    if Minutes.objects.filter(meeting=meeting, language=language).exists():
        raise ForumError(_("This meeting already has minutes in this language; edit them instead."))
    return _minutes_save(minutes, by, log_action="wagtail.create")


def _locked_minutes(minutes):
    return Minutes.objects.select_for_update(of=("self",)).with_meeting().get(pk=minutes.pk)


@transaction.atomic
def minutes_update(
    *, minutes, by, expected_revision_id=None, log_action="wagtail.edit", previous_revision=None, **fields
):
    """Change the text, language or public flag of minutes the user may edit in their current
    state. `expected_revision_id`: the version the editor started from; a newer one saved
    meanwhile is a conflict (nothing is overwritten). A save that changes nothing keeps no
    new version."""
    locked = _locked_minutes(minutes)
    if not MINUTES_WORKFLOW.can_edit(by, locked):
        raise TransitionRefused(
            _("You may not edit these minutes while they are %(state)s.")
            % {"state": MINUTES_WORKFLOW.state_label(locked.state)}
        )
    if expected_revision_id is not None and int(expected_revision_id) != locked.latest_revision_id:
        raise TransitionConflict(
            _(
                "Someone saved a newer version of these minutes while you were editing. Nothing was "
                "changed: copy your text, reload and edit again."
            )
        )
    unknown = set(fields) - set(VERSIONED_FIELDS)
    if unknown:
        raise ForumError(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if "body" in fields:
        fields["body"] = body_from_input(fields["body"])
    changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    for name, value in changed.items():
        setattr(locked, name, value)
    if (
        "language" in changed
        and Minutes.objects.filter(meeting_id=locked.meeting_id, language=locked.language)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ForumError(_("This meeting already has minutes in this language."))
    return _minutes_save(locked, by, log_action=log_action, previous_revision=previous_revision)


def minutes_restore(*, minutes, revision_id, by):
    """Bring back an old version's text, language and public flag; the result is a new version."""
    try:
        revision = minutes.revisions.get(pk=revision_id)
    except (minutes.revisions.model.DoesNotExist, ValueError):
        raise ForumError(_("This version does not exist.")) from None
    content = revision.content
    fields = {name: content[name] for name in VERSIONED_FIELDS if name in content}
    updated = minutes_update(
        minutes=minutes, by=by, log_action="wagtail.revert", previous_revision=revision, **fields
    )
    if updated.latest_revision_id == minutes.latest_revision_id:
        raise ForumError(_("This version is the same as the current text: nothing to restore."))
    return updated


def minutes_transition(*, minutes, name, by, comment="", expected_state=None) -> Minutes:
    """Submit for review, publish, send back or archive (the publication workflow decides who)."""
    return transition_fire(obj=minutes, name=name, by=by, comment=comment, expected_state=expected_state)


def minutes_submit(*, minutes, by, comment=""):
    return minutes_transition(minutes=minutes, name="submit_for_review", by=by, comment=comment)


def minutes_publish(*, minutes, by, comment=""):
    return minutes_transition(minutes=minutes, name="publish", by=by, comment=comment)


def minutes_send_back(*, minutes, by, comment):
    return minutes_transition(minutes=minutes, name="send_back", by=by, comment=comment)


# --- attachments ---------------------------------------------------------------------------------


def attachment_collection():
    """The collection of minutes attachments, restricted so Wagtail's public document URL
    refuses them: they are served only by `forums:attachment_download`, which checks the
    minutes' permissions."""
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
def minutes_attach(
    *, minutes, by, name, data: bytes, kind=MinutesAttachment.Kind.DOCUMENT, read=None
) -> MinutesAttachment:
    """Check a file, extract its text for search and store it privately. A scanned PDF is
    stored with the status "no text"; a damaged or oversized file raises and stores nothing.
    `read`: the `read_upload` of these same bytes, when the caller (the import) has it."""
    locked = _locked_minutes(minutes)
    _require(MINUTES_WORKFLOW.can_edit(by, locked), _("You may not add files to these minutes now."))
    if kind not in MinutesAttachment.Kind.values:
        raise ForumError(_("Choose what kind of file this is."))
    try:
        read = read or read_upload(name, data)
    except AttachmentError as exc:
        raise ForumError(exc.message) from exc
    if read.is_text_document:
        status = (
            MinutesAttachment.TextStatus.EXTRACTED if read.has_text else MinutesAttachment.TextStatus.NO_TEXT
        )
    else:
        status = MinutesAttachment.TextStatus.NOT_APPLICABLE
    Document = get_document_model()
    document = Document(
        title=name[:255],
        file=ContentFile(data, name=name),
        collection=attachment_collection(),
        uploaded_by_user=by,
    )
    document.save()
    attachment = MinutesAttachment(
        minutes=locked,
        kind=kind,
        document=document,
        content_type=read.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=read.text,
        text_status=status,
        uploaded_by=by,
    )
    _clean(attachment)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, by):
    minutes = _locked_minutes(attachment.minutes)
    _require(MINUTES_WORKFLOW.can_edit(by, minutes), _("You may not remove files from these minutes now."))
    document = attachment.document
    attachment.delete()
    document.file.delete(save=False)
    document.delete()


# --- decisions, issues raised and action items ---------------------------------------------------


@transaction.atomic
def decision_add(
    *, meeting, by, text, kind=Decision.Kind.ISSUE, addressed_to="", addressee="", raised_on=None
):
    _require(can_manage_meeting(by, meeting), _("You may not record decisions for this meeting."))
    decision = Decision(
        meeting=meeting,
        kind=kind,
        text=(text or "").strip(),
        addressed_to=addressed_to,
        addressee=(addressee or "").strip(),
        raised_on=raised_on or meeting.date,
    )
    _clean(decision)
    decision.save()
    return decision


@transaction.atomic
def decision_answer(*, decision, by, status, answer="", answered_on=None):
    """Record the answer to an issue raised (or mark it resolved)."""
    locked = Decision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    _require(can_manage_meeting(by, locked.meeting), _("You may not change this issue."))
    locked.status = status
    locked.answer = (answer or "").strip()
    locked.answered_on = answered_on
    _clean(locked)
    locked.save()
    return locked


@transaction.atomic
def action_item_add(*, meeting, by, text, due_on, owner_city=None, owner_person=None):
    _require(can_manage_meeting(by, meeting), _("You may not record action items for this meeting."))
    if owner_person is not None and not meeting.people.filter(pk=owner_person.pk).exists():
        raise ForumError(_("The owner must be one of the meeting's named participants."))
    item = ActionItem(
        meeting=meeting,
        text=(text or "").strip(),
        due_on=due_on,
        owner_city=owner_city,
        owner_person=owner_person,
    )
    _clean(item)
    item.save()
    return item


@transaction.atomic
def action_item_update(*, item, by, status, followed_up_at=None, done_on=None):
    """Mark an action item done or dropped (or open again), noting the meeting that followed
    it up. The owner city's officials and secretaries may, as may the meeting's."""
    locked = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _require(user_has_role(by, INSIDER_ROLES, locked), _("You may not change this action item."))
    if followed_up_at is not None and followed_up_at.date < locked.meeting.date:
        raise ForumError(_("The follow-up meeting must come after the meeting that set the action."))
    locked.status = status
    locked.followed_up_at = followed_up_at
    locked.done_on = done_on if status == ActionItem.Status.DONE else None
    _clean(locked)
    locked.save()
    return locked
