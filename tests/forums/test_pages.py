"""Forum pages: constant queries on every list page, bad input changes nothing and gets a
clear message (never a 500), action items on My work, Vietnamese at 360 px."""

import datetime

import pytest
from django.utils import timezone

from forums import services
from forums.models import ActionItem, Decision, Forum, Meeting
from tests.factories import CityFactory
from tests.forums.factories import make_meeting, make_minutes


def grow(net, n):
    """n more meetings, each with published minutes, an issue to a ministry and an action item."""
    start = Forum.objects.count()
    for i in range(start, start + n):
        city = CityFactory()
        forum = services.forum_create(
            by=net.staff, name=f"Diễn đàn {i}", level=Forum.Level.INTER_CITY, cities=[city]
        )
        meeting = make_meeting(net, title=f"Kỳ {i}", forum=forum, cities=[city, net.city])
        make_minutes(net, meeting=meeting, state="published", is_public=i % 2 == 0)
        make_minutes(net, meeting=meeting, language="en")
        services.decision_add(meeting=meeting, by=net.staff, text=f"Kiến nghị {i}", addressed_to="ministry")
        services.action_item_add(
            meeting=meeting,
            by=net.staff,
            text=f"Việc {i}",
            owner_city=net.city,
            due_on=datetime.date(2015, 6, 1),
        )


LIST_PAGES = [
    "/forums/",
    "/forums/?level=inter_city",
    "/forums/issues/",
    "/forums/issues/?addressed_to=ministry&status=raised",
    "/forums/actions/",
    "/my-work/",
]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_run_a_constant_number_of_queries(net, client, django_assert_max_num_queries, url):
    client.force_login(net.official)
    grow(net, 2)
    client.get(url)  # warm caches (content types, site)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    grow(net, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_forum_page_runs_a_constant_number_of_queries(net, client, django_assert_max_num_queries):
    client.force_login(net.official)
    for i in range(3):
        make_minutes(net, meeting=make_meeting(net, title=f"Kỳ {i}"), state="published")
    url = f"/forums/{net.forum.pk}/"
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for i in range(3, 12):
        make_minutes(net, meeting=make_meeting(net, title=f"Kỳ {i}"), state="published")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_meeting_and_versions_pages_are_bounded(net, client, django_assert_max_num_queries):
    minutes = make_minutes(net)
    client.force_login(net.official)
    for i in range(6):
        services.minutes_update(minutes=minutes, by=net.official, body=f"<p>Bản {i}</p>")
        services.action_item_add(
            meeting=net.meeting,
            by=net.official,
            text=f"Việc {i}",
            owner_city=net.city,
            due_on=datetime.date(2016, 1, 1),
        )
    with django_assert_max_num_queries(30):
        assert client.get(f"/forums/meetings/{net.meeting.pk}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/forums/minutes/{minutes.pk}/versions/").status_code == 200


def test_anonymous_pages(net, client):
    public = make_minutes(net, state="published", is_public=True)
    for url in (
        "/forums/",
        f"/forums/{net.forum.pk}/",
        f"/forums/meetings/{net.meeting.pk}/",
        "/forums/issues/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/forums/minutes/{public.pk}/").status_code == 200
    assert client.get("/forums/actions/").status_code == 302


def test_bad_input_changes_nothing(net, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(net.official)
    meetings = Meeting.objects.count()
    response = client.post(f"/forums/{net.forum.pk}/meetings/new/", {"title": "", "date": "31/02/2015"})
    assert response.status_code == 200 and Meeting.objects.count() == meetings
    response = client.post(
        f"/forums/{net.forum.pk}/meetings/new/",
        {"title": "Họp", "date": "2015-05-01", "host_city": net.other_city.pk, "participants_female": 0,
         "participants_male": 0, "participants_community": 0, "participants_government": 0,
         "participants_other": 0},
    )  # fmt: skip
    assert (
        response.status_code == 200 and Meeting.objects.count() == meetings
    )  # not a city the official may choose
    response = client.post(
        f"/forums/meetings/{net.meeting.pk}/decisions/",
        {"kind": "issue", "text": "Thiếu người nhận"},
        follow=True,
    )
    assert Decision.objects.count() == 0
    assert any("Say to whom" in str(m) for m in response.context["messages"])
    response = client.post(
        f"/forums/meetings/{net.meeting.pk}/actions/",
        {"text": "Không có chủ", "due_on": "2015-06-01"},
        follow=True,
    )
    assert ActionItem.objects.count() == 0
    assert any("owner" in str(m) for m in response.context["messages"])
    assert client.post("/forums/minutes/999999/do/publish/").status_code == 404
    minutes = make_minutes(net)
    assert client.post(f"/forums/minutes/{minutes.pk}/do/delete_everything/").status_code == 404
    response = client.post(f"/forums/minutes/{minutes.pk}/do/publish/", {"state": "draft"}, follow=True)
    assert response.status_code == 200 and minutes.state == "draft"
    response = client.post(f"/forums/minutes/{minutes.pk}/versions/999999/restore/", follow=True)
    assert response.status_code == 200
    assert client.get("/forums/issues/?year=abc&city=zz").status_code == 200


def test_answer_an_issue(net, client):
    issue = services.decision_add(meeting=net.meeting, by=net.staff, text="Đất ở", addressed_to="ministry")
    client.force_login(net.official)
    client.post(f"/forums/issues/{issue.pk}/answer/", {"status": "answered", "answer": ""})
    issue.refresh_from_db()
    assert issue.status == "raised"  # an answer is needed
    client.post(
        f"/forums/issues/{issue.pk}/answer/",
        {"status": "answered", "answer": "Bộ đã trả lời", "answered_on": "2015-06-01"},
    )
    issue.refresh_from_db()
    assert issue.status == "answered" and issue.answer == "Bộ đã trả lời"
    client.force_login(net.other_official)
    client.post(f"/forums/issues/{issue.pk}/answer/", {"status": "resolved", "answer": "x"})
    issue.refresh_from_db()
    assert issue.status == "answered"


def test_open_and_overdue_items_on_the_owner_citys_my_work(net, client):
    today = timezone.localdate()
    overdue = services.action_item_add(
        meeting=net.meeting,
        by=net.staff,
        text="Nộp báo cáo quỹ",
        owner_city=net.city,
        due_on=today - datetime.timedelta(days=3),
    )
    services.action_item_add(
        meeting=net.meeting, by=net.staff, text="Việc đã xong", owner_city=net.city, due_on=today
    )
    done = ActionItem.objects.get(text="Việc đã xong")
    services.action_item_update(item=done, by=net.secretary, status="done", done_on=today)
    other = make_meeting(net, title="Họp Hải Dương", host_city=net.other_city)
    services.action_item_add(
        meeting=other, by=net.staff, text="Việc của Hải Dương", owner_city=net.other_city, due_on=today
    )
    client.force_login(net.secretary)
    page = client.get("/my-work/").content.decode()
    assert "Nộp báo cáo quỹ" in page and "Việc đã xong" not in page and "Việc của Hải Dương" not in page
    assert "overdue" in page
    client.force_login(net.other_official)
    page = client.get("/my-work/").content.decode()
    assert "Việc của Hải Dương" in page and "Nộp báo cáo quỹ" not in page
    # the owner city marks it done from the list
    client.force_login(net.official)
    client.post(
        f"/forums/actions/{overdue.pk}/",
        {"status": "done", "followed_up_at": other.pk, "next": "/forums/actions/"},
    )
    overdue.refresh_from_db()
    assert overdue.status == "done" and overdue.followed_up_at == other and overdue.done_on == today


def test_pages_speak_vietnamese(net, client):
    minutes = make_minutes(net, state="published", is_public=True)
    services.decision_add(meeting=net.meeting, by=net.staff, text="Đất ở", addressed_to="ministry")
    client.force_login(net.official)
    pages = {
        "/forums/": "Diễn đàn",
        "/forums/issues/": "Kiến nghị",
        "/forums/actions/": "Việc cần làm",
        f"/forums/minutes/{minutes.pk}/": "Biên bản",
        f"/forums/minutes/{minutes.pk}/versions/": "Phiên bản",
        f"/forums/meetings/{net.meeting.pk}/": "Quyết định",
    }
    for url, word in pages.items():
        assert word in client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode(), url


def test_meeting_recorded_and_edited_with_named_participants_from_the_registry(net, client):
    from portal.models import Person

    lan = Person.objects.create(name="Trần Thị Lan", city=net.city, phone="0912 000 111")
    Person.objects.create(name="Trần Thị Lan", city=net.other_city)  # same name, another city
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(net.official)
    data = {
        "title": "Kỳ họp tháng 6",
        "date": "2015-06-10",
        "venue": "Nhà văn hóa khối 7",
        "host_city": net.city.pk,
        "participants_female": 3,
        "participants_male": 1,
        "participants_community": 3,
        "participants_government": 1,
        "participants_other": 0,
        "participants": "tran thi lan\nNgười Lạ",
    }
    response = client.post(f"/forums/{net.forum.pk}/meetings/new/", data, follow=True)
    meeting = Meeting.objects.get(title="Kỳ họp tháng 6")
    assert list(meeting.people.all()) == [lan]
    assert any("Người Lạ" in str(m) for m in response.context["messages"])
    assert list(meeting.cities.all()) == [net.city]
    data.update(title="Kỳ họp tháng 6 (sửa)", participants="")
    client.post(f"/forums/meetings/{meeting.pk}/edit/", data)
    meeting.refresh_from_db()
    assert meeting.title == "Kỳ họp tháng 6 (sửa)" and not meeting.people.exists()
    data.update(participants_male=5)  # the counts no longer add up
    response = client.post(f"/forums/meetings/{meeting.pk}/edit/", data)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.participants_male == 1
    client.force_login(net.other_official)
    assert client.get(f"/forums/meetings/{meeting.pk}/edit/").status_code == 403
