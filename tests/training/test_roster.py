"""The roster of a big session: found by name without JavaScript (?q=, accents ignored), people
not yet marked first, sorted the Vietnamese way, one form for the list, compressed."""

import gzip

import pytest
from django.urls import reverse

from portal.models import Role
from tests.factories import CityFactory, user_with_role
from training.models import AttendanceDay
from training.selectors import vietnamese_name_key
from training.services import attendance_mark

from . import factories
from .roster_data import big_roster


@pytest.fixture
def big(db):
    city = CityFactory(name="Vinh")
    trainer = user_with_role(Role.TRAINER, city)
    session = factories.session(city=city, days=2, trainers=[trainer], code="vinh-big")
    people = big_roster(session)
    return session, trainer, people


def names(response):
    return [a.person.name for a in response.context["rows"]]


def test_sorted_by_given_name_then_family_name():
    keys = sorted(["tran thi an", "le van binh", "nguyen thi an", "ho lan"], key=vietnamese_name_key)
    assert keys == ["nguyen thi an", "tran thi an", "le van binh", "ho lan"]


def test_not_yet_marked_first_then_by_given_name(client, big):
    session, trainer, people = big
    day = session.days[0]
    for a in people[:40]:
        attendance_mark(attendance=a, day=day, present=True, by=trainer)
    client.force_login(trainer)
    url = reverse("training:session_detail", args=[session.pk])
    response = client.get(url, {"day": day.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    rows = response.context["rows"]
    assert [a.marked for a in rows] == [False] * 130 + [True] * 40
    unmarked = [a.person.name_folded for a in rows[:130]]
    assert unmarked == sorted(unmarked, key=vietnamese_name_key)
    assert unmarked[0].split()[-1] == "an"
    assert response.context["unmarked"] == 130
    body = response.content.decode()
    assert body.index("Not yet marked</th>") < body.index("Marked</th>")


def test_find_without_javascript_ignoring_accents(client, big):
    session, trainer, _ = big
    client.force_login(trainer)
    url = reverse("training:session_detail", args=[session.pk])
    found = names(client.get(url, {"q": "phuong"}))
    assert found and all("Phượng" in n for n in found)
    assert names(client.get(url, {"q": "  DANG   thi  "})) == [
        n for n in names(client.get(url)) if n.startswith("Đặng Thị")
    ]
    response = client.get(url, {"q": "zzz"})
    assert names(response) == [] and response.context["total"] == 170


def test_marking_from_a_filtered_list_keeps_the_filter(client, big):
    session, trainer, people = big
    client.force_login(trainer)
    target = people[5]
    day = session.days[1]
    response = client.post(
        reverse("training:attendance_mark", args=[session.pk]),
        {"mark": f"{target.pk}:1", "day": day.isoformat(), "q": "hoa"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?day={day.isoformat()}&q=hoa#a{target.pk}")
    assert AttendanceDay.objects.get(attendance=target, day=day).present
    response = client.post(
        reverse("training:attendance_mark", args=[session.pk]),
        {"mark": f"{target.pk}:0", "day": day.isoformat()},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"present": False, "count": 0}


@pytest.mark.parametrize("junk", ["", "abc", "1:2", "1", ":1", "99999999999999999999999:1"])
def test_a_junk_mark_is_404(client, big, junk):
    session, trainer, _ = big
    client.force_login(trainer)
    response = client.post(reverse("training:attendance_mark", args=[session.pk]), {"mark": junk})
    assert response.status_code == 404


def test_someone_elses_attendance_cannot_be_marked_through_this_session(client, big):
    session, trainer, _ = big
    other = factories.session(city=session.city, days=1, trainers=[trainer])
    (stranger,) = factories.roster(other, 1)
    client.force_login(trainer)
    response = client.post(
        reverse("training:attendance_mark", args=[session.pk]), {"mark": f"{stranger.pk}:1"}
    )
    assert response.status_code == 404


def test_the_170_person_roster_weighs_under_150_kb_over_the_wire(client, big):
    session, trainer, _ = big
    client.force_login(trainer)
    url = reverse("training:session_detail", args=[session.pk])
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    wire = len(response.content)
    html = gzip.decompress(response.content)
    assert wire <= 150 * 1024, wire
    assert html.count(b'name="csrfmiddlewaretoken"') <= 8  # one for the list, not one per person
    assert len(html) < 120 * 1024, len(html)  # lighter markup, even uncompressed


def test_query_count_does_not_grow_with_the_filter(client, big, django_assert_max_num_queries):
    session, trainer, _ = big
    client.force_login(trainer)
    with django_assert_max_num_queries(16):
        client.get(reverse("training:session_detail", args=[session.pk]), {"q": "lan"})
