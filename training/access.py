"""Who may see and do what with training sessions, built only on portal.permissions.

- programme staff (national): see and manage every session;
- a trainer: sees and edits the sessions they are listed on, provided they still hold an
  active trainer role covering the session's city (city-scoped or national);
- a CDF secretary: sees their city's sessions, read-only;
- phone numbers: only the session's trainers and programme staff.
Attendance and the report are locked once the report is submitted.
"""

from django.db.models import Q

from portal.models import Role
from portal.permissions import scope_q, user_has_role


def is_staff(user, session=None):
    return user_has_role(user, Role.PROGRAMME_STAFF, session)


def is_session_trainer(user, session):
    if not user.is_authenticated:
        return False
    trainer_ids = getattr(session, "_trainer_ids", None)
    if trainer_ids is None:
        trainer_ids = set(session.trainers.values_list("pk", flat=True))
        session._trainer_ids = trainer_ids
    return user.pk in trainer_ids and user_has_role(user, Role.TRAINER, session)


def can_view(user, session):
    return (
        is_staff(user, session)
        or is_session_trainer(user, session)
        or user_has_role(user, Role.CDF_SECRETARY, session)
    )


def can_manage(user, session):
    """Edit the session: roster, attendance, walk-ins, import, report, status."""
    return is_staff(user, session) or is_session_trainer(user, session)


def can_edit_attendance(user, session):
    return can_manage(user, session) and not session.is_closed


def can_see_phones(user, session):
    return can_manage(user, session)


def can_create_sessions(user):
    return user_has_role(user, [Role.PROGRAMME_STAFF, Role.TRAINER])


def can_view_statistics(user):
    return user_has_role(user, [Role.PROGRAMME_STAFF, Role.CDF_SECRETARY, Role.TRAINER])


def visible_sessions_q(user):
    from .models import TrainingSession

    if not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(
        pk__in=TrainingSession.trainers.through.objects.filter(user_id=user.pk).values("trainingsession_id")
    ) & scope_q(TrainingSession, user, Role.TRAINER)
    return scope_q(TrainingSession, user, [Role.PROGRAMME_STAFF, Role.CDF_SECRETARY]) | own
