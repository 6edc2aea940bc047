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


def test_a_clash_nobody_resolves_is_refused_and_changes_nothing(city):
    from portal.services import PersonMergeError
    from portal.signals import person_merging
    from training.signals import merge_attendance

    staff = user_with_role(Role.PROGRAMME_STAFF)
    session = factories.session(city=city, days=1, by=staff)
    a, _, _ = attendance_add(session=session, by=staff, name="Lê Thị Hoa", phone="0900000001")
    b, _, _ = attendance_add(session=session, by=staff, name="Le Thi Hoa", phone="0900000002")
    person_merging.disconnect(merge_attendance, dispatch_uid="training_person_merging")
    try:
        with pytest.raises(PersonMergeError, match="cannot be merged automatically"):
            person_merge(keep=a.person, remove=b.person, by=staff)
    finally:
        person_merging.connect(merge_attendance, dispatch_uid="training_person_merging")
    assert Attendance.objects.filter(session=session).count() == 2
