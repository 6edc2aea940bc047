"""Training data made through the real services."""

import datetime
import itertools

from django.utils import timezone

from portal.models import Role
from tests.factories import CityFactory, user_with_role
from training.models import Course
from training.services import attendance_add, session_create

_codes = itertools.count(1)


def course(title="Phần mềm quản lý tài chính CDF", topic=Course.Topic.CDF_SOFTWARE):
    obj, _ = Course.objects.get_or_create(
        title=title, defaults={"topic": topic, "target_roles": ["cdf_secretary"]}
    )
    return obj


def session(*, city=None, trainers=(), days=2, start=None, by=None, code=None):
    """A planned session over `days` days (default: started yesterday morning)."""
    city = city or CityFactory()
    by = by or user_with_role(Role.PROGRAMME_STAFF)
    start = start or (timezone.localdate() - datetime.timedelta(days=1))
    tz = timezone.get_current_timezone()
    starts_at = datetime.datetime.combine(start, datetime.time(8, 0), tzinfo=tz)
    ends_at = datetime.datetime.combine(
        start + datetime.timedelta(days=days - 1), datetime.time(17, 0), tzinfo=tz
    )
    return session_create(
        by=by,
        course=course(),
        city=city,
        venue="Hội trường UBND phường",
        starts_at=starts_at,
        ends_at=ends_at,
        code=code or f"s-{next(_codes)}",
        trainers=list(trainers),
    )


def trainer_for(city):
    return user_with_role(Role.TRAINER, city)


def session_with_trainer(**kwargs):
    """(session, trainer): a session and a trainer of its city listed on it."""
    made = session(**kwargs)
    trainer = trainer_for(made.city)
    made.trainers.add(trainer)
    return made, trainer


def roster(session, n, *, by=None, prefix="Nguyễn Thị Lan"):
    by = by or user_with_role(Role.PROGRAMME_STAFF)
    out = []
    for i in range(n):
        attendance, _, _ = attendance_add(
            session=session,
            by=by,
            name=f"{prefix} {i}",
            gender="female" if i % 3 else "male",
            phone=f"0913{session.pk:03d}{i:03d}",
            year_of_birth=1970 + i % 30,
            organisation="Hội Phụ nữ",
            day=session.days[0],
            walk_in=False,
        )
        out.append(attendance)
    return out
