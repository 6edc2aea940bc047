"""Portal's person merge keeps all training attendance (training's person_merging hook)."""

import pytest

from portal.models import Role
from portal.services import person_merge
from tests.factories import CityFactory, user_with_role
from training.models import Attendance, AttendanceDay
from training.services import attendance_add, attendance_mark

from . import factories


@pytest.fixture
def city(db):
    return CityFactory()


def test_merge_keeps_training_attendance_and_resolves_the_same_session_twice(city):
    staff = user_with_role(Role.PROGRAMME_STAFF)
    both = factories.session(city=city, days=2, by=staff)
    only_remove = factories.session(city=city, days=1, by=staff)
    a_keep, _, _ = attendance_add(
        session=both, by=staff, name="Lê Thị Hoa", phone="0900000001", day=both.days[0]
    )
    a_remove, _, _ = attendance_add(
        session=both, by=staff, name="Le Thi Hoa", phone="0900000002", day=both.days[1]
    )
    attendance_mark(attendance=a_keep, day=both.days[1], present=False, by=staff)
    attendance_add(
        session=only_remove, by=staff, name="Le Thi Hoa", phone="0900000002", day=only_remove.days[0]
    )
    keep, remove = a_keep.person, a_remove.person
    person_merge(keep=keep, remove=remove, by=staff)
    assert Attendance.objects.filter(person=keep).count() == 2
    assert not Attendance.objects.filter(person_id=remove.pk).exists()
    days = dict(
        AttendanceDay.objects.filter(attendance__person=keep, attendance__session=both).values_list(
            "day", "present"
        )
    )
    assert days == {both.days[0]: True, both.days[1]: True}
