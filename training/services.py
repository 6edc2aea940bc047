"""Write actions on training sessions. Views and the importer call these; each checks the
user's role over the session (training.access) and the session's state."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from portal.models import Person
from portal.services import person_match_or_create

from . import access
from .models import Attendance, AttendanceDay, SessionPhoto, TrainingSession


class TrainingError(Exception):
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
    if not access.is_staff(by, session):
        from portal.models import Role
        from portal.permissions import user_has_role

        _require(user_has_role(by, Role.TRAINER, session), _("You may not schedule sessions in this city."))
        if by not in trainers:
            trainers.append(by)
    session.full_clean()
    session.save()
    session.trainers.set(trainers)
    return session


@transaction.atomic
def session_update(*, session, by, **fields):
    session = _locked(session)
    _require(access.can_manage(by, session))
    _require(not session.is_closed, _("The report is submitted: the session is closed."))
    trainers = fields.pop("trainers", None)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    if trainers is not None:
        session.trainers.set(trainers)
    return session


@transaction.atomic
def session_mark_held(*, session, by):
    session = _locked(session)
    _require(access.can_manage(by, session))
    if not can_proceed(session.mark_held):
        raise TrainingError(_("Only a planned session can be marked as held."))
    if session.starts_at > timezone.now():
        raise TrainingError(_("The session has not started yet."))
    session.mark_held(by=by)
    session.save()
    return session


@transaction.atomic
def session_submit_report(*, session, by, topics_covered=None, notes=None):
    session = _locked(session)
    _require(access.can_manage(by, session))
    if not can_proceed(session.submit_report):
        raise TrainingError(_("Mark the session as held before submitting its report."))
    if topics_covered is not None:
        session.topics_covered = topics_covered
    if notes is not None:
        session.notes = notes
    if not session.topics_covered.strip():
        raise TrainingError(_("Write which topics were covered before submitting the report."))
    session.submit_report(by=by)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_save_report(*, session, by, topics_covered, notes, photo=None, caption=""):
    """Save the report's text (and add a photo) without submitting it."""
    session = _locked(session)
    _require(access.can_edit_attendance(by, session))
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
    _require(access.can_manage(by, session))
    _require(not session.is_closed, _("The report is submitted: attendance is closed."))
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
    _require(access.can_manage(by, session))
    _require(not session.is_closed, _("The report is submitted: attendance is closed."))
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
    _require(access.can_manage(by, session))
    _require(not session.is_closed, _("The report is submitted: attendance is closed."))
    attendance.delete()
