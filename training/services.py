"""Write actions on training sessions. Views and the importer call these; each checks the
user's role over the session (through the training workflow: the listed trainers in their
cities, programme staff) and the session's state. Status changes go through
`workflows.engine.transition_fire` (lock, guard, history with comment, signal after commit)."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Person, Role
from portal.permissions import user_has_role
from portal.services import person_match_or_create
from workflows.engine import WorkflowError, transition_fire

from . import selectors
from .models import Attendance, AttendanceDay, SessionPhoto, TrainingSession


class TrainingError(WorkflowError):
    """A training action that cannot be done; the message says why."""


def _locked(session):
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def _require(allowed, message=None):
    if not allowed:
        raise TrainingError(message or _("You may not do this for this session."))


def _check_day(session, day):
    if day not in session.days:
        raise TrainingError(_("This day is not part of the session."))


@transaction.atomic
def session_create(*, by, course, city, venue, starts_at, ends_at, capacity=30, code, trainers=()):
    """Schedule a session. Programme staff anywhere; a trainer in a city their role covers,
    and they are listed among its trainers."""
    session = TrainingSession(
        course=course,
        city=city,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        code=code,
    )
    trainers = list(trainers)
    if not user_has_role(by, Role.PROGRAMME_STAFF, session):
        _require(user_has_role(by, Role.TRAINER, city), _("You may not schedule sessions in this city."))
        if by not in trainers:
            trainers.append(by)
    session.full_clean()
    session.save()
    session.trainers.set(trainers)
    return session


@transaction.atomic
def session_update(*, session, by, **fields):
    session = _locked(session)
    _require(selectors.can_manage(by, session))
    _require(not session.is_closed, _("This session is closed: its report is submitted or it was cancelled."))
    trainers = fields.pop("trainers", None)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    if trainers is not None:
        session.trainers.set(trainers)
    return session


def session_mark_held(*, session, by, comment="", expected_state=None):
    """Planned → held, once the session has started."""
    return transition_fire(
        obj=session, name="mark_held", by=by, comment=comment, expected_state=expected_state
    )


def session_submit_report(*, session, by, topics_covered=None, notes=None, comment="", expected_state=None):
    """Held → report submitted; the report's text may come with it. Attendance locks."""

    def before(locked):
        if topics_covered is not None:
            locked.topics_covered = topics_covered
        if notes is not None:
            locked.notes = notes
        if not locked.topics_covered.strip():
            raise TrainingError(_("Write which topics were covered before submitting the report."))

    return transition_fire(
        obj=session,
        name="submit_report",
        by=by,
        comment=comment,
        expected_state=expected_state,
        before=before,
    )


def session_cancel(*, session, by, comment, expected_state=None):
    """Planned → cancelled (a reason is required); nothing can be recorded on it afterwards."""
    return transition_fire(obj=session, name="cancel", by=by, comment=comment, expected_state=expected_state)


@transaction.atomic
def session_save_report(*, session, by, topics_covered, notes, photo=None, caption=""):
    """Save the report's text (and add a photo) without submitting it."""
    session = _locked(session)
    _require(selectors.can_edit(by, session))
    session.topics_covered = topics_covered
    session.notes = notes
    session.full_clean()
    session.save(update_fields=["topics_covered", "notes"])
    if photo is not None:
        item = SessionPhoto(session=session, image=photo, caption=caption, uploaded_by=by)
        item.full_clean()
        item.save()
    return session


@transaction.atomic
def attendance_mark(*, attendance, day, present, by):
    """One tap on the roster: present or absent on one day."""
    session = attendance.session
    _require(selectors.can_manage(by, session))
    _require(not session.is_closed, _("This session is closed: its report is submitted or it was cancelled."))
    _check_day(session, day)
    record, created = AttendanceDay.objects.get_or_create(
        attendance=attendance, day=day, defaults={"present": present}
    )
    if not created and record.present != present:
        record.present = present
        record.save(update_fields=["present"])
    return record


@transaction.atomic
def attendance_add(
    *,
    session,
    by,
    name,
    gender="",
    phone="",
    organisation="",
    year_of_birth=None,
    role="",
    day=None,
    walk_in=True,
):
    """Put someone on the roster, reusing the registry's person when one matches (same phone,
    or same name and year of birth in the session's city, or same name already on this
    roster). Returns (attendance, match or None, created). With `day`, marks them present."""
    _require(selectors.can_manage(by, session))
    _require(not session.is_closed, _("This session is closed: its report is submitted or it was cancelled."))
    if day is not None:
        _check_day(session, day)
    roster = Person.objects.filter(training_attendances__session=session)
    person, match = person_match_or_create(
        name=name,
        gender=gender,
        phone=phone,
        year_of_birth=year_of_birth,
        city=session.city,
        organisation=organisation,
        network_role=role,
        among=roster,
        within=selectors.people_in_scope(by),
    )
    attendance, created = Attendance.objects.get_or_create(
        session=session,
        person=person,
        defaults={"role": role or person.network_role, "walk_in": walk_in},
    )
    if day is not None:
        attendance_mark(attendance=attendance, day=day, present=True, by=by)
    return attendance, match, created


@transaction.atomic
def attendance_remove(*, attendance, by):
    session = attendance.session
    _require(selectors.can_manage(by, session))
    _require(not session.is_closed, _("This session is closed: its report is submitted or it was cancelled."))
    attendance.delete()
