import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from portal.models import Role
from tests.factories import CityFactory, user_with_role
from training.models import TrainingSession
from training.selectors import statistics_by_role, training_statistics
from training.services import attendance_add, attendance_mark, session_mark_held

from . import factories


@pytest.fixture
def staff(db):
    return user_with_role(Role.PROGRAMME_STAFF)


def _held(city, staff, start, days=2):
    session = factories.session(city=city, by=staff, start=start, days=days)
    session_mark_held(session=session, by=staff)
    return session


def test_figures_count_people_days_and_women(staff):
    hue, vinh = CityFactory(name="Huế"), CityFactory(name="Vinh")
    a = _held(hue, staff, datetime.date(2014, 3, 1))
    b = _held(vinh, staff, datetime.date(2015, 5, 1))
    planned = factories.session(city=vinh, by=staff)  # not held: never counted
    lan, _, _ = attendance_add(
        session=a,
        by=staff,
        name="Lan",
        gender="female",
        phone="0901000001",
        day=a.days[0],
        role="cdf_secretary",
    )
    attendance_mark(attendance=lan, day=a.days[1], present=True, by=staff)
    attendance_add(session=a, by=staff, name="Hùng", gender="male", phone="0901000002", day=a.days[0])
    attendance_add(session=a, by=staff, name="Vắng", gender="female", phone="0901000003")  # never present
    attendance_add(session=b, by=staff, name="Lan", phone="0901000001", day=b.days[1], role="cdf_secretary")
    attendance_add(
        session=planned, by=staff, name="Mai", gender="female", phone="0901000004", day=planned.days[0]
    )

    stats = training_statistics(TrainingSession.objects.all(), "city")
    assert stats["totals"] == {
        "sessions": 2,
        "participant_days": 4,
        "people": 2,
        "women": 1,
        "women_share": 50,
    }
    rows = {r["label"]: r for r in stats["rows"]}
    assert rows["Huế"] == {
        "label": "Huế",
        "sessions": 1,
        "participant_days": 3,
        "people": 2,
        "women": 1,
        "women_share": 50,
    }
    assert rows["Vinh"]["participant_days"] == 1 and rows["Vinh"]["people"] == 1
    years = {
        r["label"]: r["sessions"] for r in training_statistics(TrainingSession.objects.all(), "year")["rows"]
    }
    assert years == {2014: 1, 2015: 1}
    roles = {
        r["label"]: (r["people"], r["participant_days"])
        for r in statistics_by_role(TrainingSession.objects.all())
    }
    assert roles["CDF secretary"] == (1, 3)


def test_statistics_follow_what_the_user_may_see(client, staff):
    mine, other = CityFactory(), CityFactory()
    for city in (mine, other):
        s = _held(city, staff, datetime.date(2015, 1, 5))
        attendance_add(session=s, by=staff, name="Ngọc", phone=f"09020{city.pk:05d}", day=s.days[0])
    client.force_login(user_with_role(Role.CDF_SECRETARY, mine))
    response = client.get(reverse("training:statistics"))
    assert response.context["stats"]["totals"]["sessions"] == 1
    client.force_login(staff)
    assert client.get(reverse("training:statistics")).context["stats"]["totals"]["sessions"] == 2


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.PROGRAMME_STAFF, 200),
        (Role.TRAINER, 200),
        (Role.CDF_SECRETARY, 200),
        (Role.CITY_OFFICIAL, 403),
        (Role.COMMUNITY_REPRESENTATIVE, 403),
    ],
)
def test_statistics_page_permissions(client, db, role, status):
    from tests.factories import CommunityFactory

    community = CommunityFactory()
    place = {Role.PROGRAMME_STAFF: None, Role.COMMUNITY_REPRESENTATIVE: community}.get(
        role, community.ward.city
    )
    client.force_login(user_with_role(role, place))
    assert client.get(reverse("training:statistics")).status_code == status
    assert client.get(reverse("training:statistics") + "?export=csv").status_code == status


def test_statistics_export(client, staff):
    s = _held(CityFactory(name="Tam Kỳ"), staff, datetime.date(2015, 3, 24))
    attendance_add(session=s, by=staff, name="Hoa", gender="female", phone="0903000001", day=s.days[0])
    client.force_login(staff)
    csv = client.get(reverse("training:statistics") + "?group=city&export=csv", HTTP_ACCEPT_LANGUAGE="vi")
    text = csv.content.decode("utf-8-sig")
    assert "Tam Kỳ,1,1,1,1,100" in text
    xlsx = client.get(reverse("training:statistics") + "?group=year&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:4] == [2015, 1, 1, 1]


@pytest.mark.parametrize("n", [2, 10])
def test_statistics_page_query_count_is_constant(client, staff, django_assert_max_num_queries, n):
    for i in range(n):
        s = _held(CityFactory(), staff, datetime.date(2013 + i % 4, 4, 1))
        factories.roster(s, 3, by=staff)
    client.force_login(staff)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("training:statistics") + "?group=city").status_code == 200
