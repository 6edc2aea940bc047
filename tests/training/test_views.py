import io

import pytest
from django.urls import reverse

from portal.models import Role
from tests.factories import CityFactory, user_with_role
from training.models import Attendance, AttendanceDay, TrainingSession

from . import factories

PHONE = "0913 555 777"

# who -> (may view, may manage)
WHO = {
    "staff": (True, True),
    "own_trainer": (True, True),
    "other_trainer_same_city": (False, False),
    "listed_trainer_role_elsewhere": (False, False),
    "secretary_same_city": (True, False),
    "secretary_other_city": (False, False),
    "city_official_same_city": (False, False),
}


@pytest.fixture
def world(db):
    city, other = CityFactory(), CityFactory()
    session = factories.session(city=city, days=2)
    users = {
        "staff": user_with_role(Role.PROGRAMME_STAFF),
        "own_trainer": user_with_role(Role.TRAINER, city),
        "other_trainer_same_city": user_with_role(Role.TRAINER, city),
        "listed_trainer_role_elsewhere": user_with_role(Role.TRAINER, other),
        "secretary_same_city": user_with_role(Role.CDF_SECRETARY, city),
        "secretary_other_city": user_with_role(Role.CDF_SECRETARY, other),
        "city_official_same_city": user_with_role(Role.CITY_OFFICIAL, city),
    }
    session.trainers.add(users["own_trainer"], users["listed_trainer_role_elsewhere"])
    attendance = factories.roster(session, 1, by=users["staff"])[0]
    person = attendance.person
    person.phone = PHONE
    person.save()
    return session, users, attendance


def _csv(session):
    day = session.days[0].strftime("%d/%m/%Y")
    return f"Ngày,Họ và tên,Có mặt\n{day},Võ Thị Sáu,x\n".encode()


ACTIONS = {
    # name: (method, url builder, data builder, needs manage)
    "roster": ("get", lambda s, a: reverse("training:session_detail", args=[s.pk]), None, False),
    "export": ("get", lambda s, a: reverse("training:export_sheet", args=[s.pk]), None, False),
    "template": (
        "get",
        lambda s, a: reverse("training:export_sheet", args=[s.pk]) + "?template=1&format=csv",
        None,
        False,
    ),
    "report_view": ("get", lambda s, a: reverse("training:session_report", args=[s.pk]), None, False),
    "toggle": (
        "post",
        lambda s, a: reverse("training:attendance_toggle", args=[s.pk, a.pk]),
        lambda s: {"day": s.days[1].isoformat(), "present": "1"},
        True,
    ),
    "walk_in": (
        "post",
        lambda s, a: reverse("training:walk_in", args=[s.pk]),
        lambda s: {
            "name": "Đinh Thị Hoa",
            "gender": "female",
            "role": "community_member",
            "day": s.days[0].isoformat(),
        },
        True,
    ),
    "mark_held": (
        "post",
        lambda s, a: reverse("training:session_transition", args=[s.pk, "mark_held"]),
        lambda s: {},
        True,
    ),
    "report_save": (
        "post",
        lambda s, a: reverse("training:session_report", args=[s.pk]),
        lambda s: {"topics_covered": "Sổ quỹ", "notes": ""},
        True,
    ),
    "import_form": ("get", lambda s, a: reverse("training:import_sheet", args=[s.pk]), None, True),
    "import_preview": (
        "post",
        lambda s, a: reverse("training:import_sheet", args=[s.pk]),
        lambda s: {"file": _upload(_csv(s))},
        True,
    ),
}


def _upload(data, name="sheet.csv"):
    f = io.BytesIO(data)
    f.name = name
    return f


def _state(session):
    session = TrainingSession.objects.get(pk=session.pk)
    return (
        session.status,
        session.topics_covered,
        Attendance.objects.filter(session=session).count(),
        AttendanceDay.objects.filter(attendance__session=session, present=True).count(),
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, world, who, action):
    session, users, attendance = world
    method, url, data, needs_manage = ACTIONS[action]
    may_view, may_manage = WHO[who]
    allowed = may_manage if needs_manage else may_view
    client.force_login(users[who])
    before = _state(session)
    kwargs = {"data": data(session)} if data else {}
    response = getattr(client, method)(url(session, attendance), **kwargs)
    if allowed:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403
        assert _state(session) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_goes_to_login(client, world, action):
    session, users, attendance = world
    method, url, data, _ = ACTIONS[action]
    kwargs = {"data": data(session)} if data else {}
    response = getattr(client, method)(url(session, attendance), **kwargs)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", [w for w, (view, _) in WHO.items() if view])
@pytest.mark.parametrize("page", ["roster", "export", "template"])
def test_phone_numbers_only_for_the_sessions_trainers_and_staff(client, world, who, page):
    session, users, attendance = world
    client.force_login(users[who])
    url = {
        "roster": reverse("training:session_detail", args=[session.pk]),
        "export": reverse("training:export_sheet", args=[session.pk]) + "?format=csv",
        "template": reverse("training:export_sheet", args=[session.pk]) + "?format=csv&template=1",
    }[page]
    body = client.get(url).content.decode("utf-8-sig")
    assert attendance.person.name in body
    assert (PHONE in body) == WHO[who][1]


def test_session_list_shows_only_what_the_user_may_see(client, world):
    session, users, _ = world
    other = factories.session()
    for who, (may_view, _) in WHO.items():
        client.force_login(users[who])
        body = client.get(reverse("training:session_list")).content.decode()
        assert (reverse("training:session_detail", args=[session.pk]) in body) == may_view, who
        assert (reverse("training:session_detail", args=[other.pk]) in body) == (who == "staff"), who


def test_closed_session_refuses_attendance_changes(client, world):
    session, users, attendance = world
    from training.services import session_mark_held, session_submit_report

    staff = users["staff"]
    session = session_mark_held(session=session, by=staff)
    session = session_submit_report(session=session, by=staff, topics_covered="Sổ quỹ")
    client.force_login(users["own_trainer"])
    before = _state(session)
    for action in ("toggle", "walk_in", "import_form"):
        method, url, data, _ = ACTIONS[action]
        kwargs = {"data": data(session)} if data else {}
        response = getattr(client, method)(url(session, attendance), **kwargs)
        assert response.status_code == 403
    assert _state(session) == before
    assert "walk-in" not in client.get(reverse("training:session_detail", args=[session.pk])).content.decode()


def test_tap_marks_present_and_redirects_to_the_row(client, world):
    session, users, attendance = world
    client.force_login(users["own_trainer"])
    day = session.days[1]
    url = reverse("training:attendance_toggle", args=[session.pk, attendance.pk])
    response = client.post(url, {"day": day.isoformat(), "present": "1"})
    assert response["Location"].endswith(f"?day={day.isoformat()}#a{attendance.pk}")
    assert AttendanceDay.objects.get(attendance=attendance, day=day).present
    response = client.post(url, {"day": day.isoformat(), "present": "0"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"present": False, "count": 0}


def test_walk_in_reuses_a_matching_person_and_says_so(client, world):
    session, users, attendance = world
    client.force_login(users["own_trainer"])
    url = reverse("training:walk_in", args=[session.pk])
    response = client.post(
        url,
        {
            "name": "Someone Else",
            "gender": "female",
            "phone": "+84 913 555 777",
            "role": "community_member",
            "day": session.days[1].isoformat(),
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert f"{attendance.person.name} was already on the list (same phone number)" in body
    assert Attendance.objects.filter(session=session).count() == 1
    assert AttendanceDay.objects.get(attendance=attendance, day=session.days[1]).present


def test_walk_in_form_errors_stay_on_the_page(client, world):
    session, users, _ = world
    client.force_login(users["own_trainer"])
    response = client.post(reverse("training:walk_in", args=[session.pk]), {"name": "", "gender": "female"})
    assert response.status_code == 400
    assert 'id="walk-in"' in response.content.decode()


def test_import_preview_then_confirm(client, world):
    session, users, _ = world
    client.force_login(users["own_trainer"])
    url = reverse("training:import_sheet", args=[session.pk])
    response = client.post(url, {"file": _upload(_csv(session))}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Confirm the import" in body
    assert Attendance.objects.filter(session=session).count() == 1
    token = response.context["token"]
    response = client.post(reverse("training:import_confirm", args=[session.pk]), {"token": token})
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session).count() == 2
    # the stash is gone: confirming again does nothing
    response = client.post(reverse("training:import_confirm", args=[session.pk]), {"token": token})
    assert Attendance.objects.filter(session=session).count() == 2


def test_import_of_a_bad_file_shows_the_message(client, world):
    session, users, _ = world
    client.force_login(users["own_trainer"])
    response = client.post(
        reverse("training:import_sheet", args=[session.pk]),
        {"file": _upload(b"Name,Phone\nA,1\n")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Missing columns" in response.content.decode()
    assert "token" not in response.context


def test_confirm_with_someone_elses_token_does_nothing(client, world):
    session, users, _ = world
    client.force_login(users["own_trainer"])
    response = client.post(reverse("training:import_confirm", args=[session.pk]), {"token": "f" * 32})
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session).count() == 1


@pytest.mark.parametrize("n", [3, 30])
def test_roster_query_count_is_constant(client, world, django_assert_max_num_queries, n):
    session, users, _ = world
    factories.roster(session, n, by=users["staff"])
    client.force_login(users["own_trainer"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("training:session_detail", args=[session.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_session_list_query_count_is_constant(client, world, django_assert_max_num_queries, n):
    session, users, _ = world
    for _ in range(n):
        s = factories.session(city=session.city)
        s.trainers.add(users["own_trainer"])
    client.force_login(users["own_trainer"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("training:session_list")).status_code == 200
