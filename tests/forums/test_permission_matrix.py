"""Role × state × scope for minutes: who sees, who edits, who moves them on, through the
services and through the pages. Drafts are invisible to other cities and to the public; public
minutes show no personal data."""

import pytest
from django.contrib.auth.models import AnonymousUser

from forums import selectors, services
from forums.models import MINUTES_WORKFLOW, Minutes
from tests.forums.factories import make_minutes
from workflows.engine import TransitionRefused

WHO = ["official", "secretary", "other_official", "staff", "trainer", "anonymous"]
STATES = ["draft", "pending", "published", "public", "archived"]
INSIDERS = {"official", "secretary", "staff"}
LOGGED_IN = set(WHO) - {"anonymous"}

VIEW = {
    "draft": INSIDERS,
    "pending": INSIDERS,
    "published": LOGGED_IN,
    "public": set(WHO),
    "archived": INSIDERS,
}
EDIT = {"draft": INSIDERS, "pending": {"staff"}, "published": set(), "public": set(), "archived": set()}


def user_of(net, who):
    return AnonymousUser() if who == "anonymous" else getattr(net, who)


def minutes_in(net, state):
    if state == "public":
        return make_minutes(net, state="published", is_public=True)
    return make_minutes(net, state=state)


@pytest.mark.parametrize("state", STATES)
def test_view_and_edit_matrix(net, client, state):
    minutes = minutes_in(net, state)
    for who in WHO:
        user = user_of(net, who)
        expected_view = who in VIEW[state]
        assert MINUTES_WORKFLOW.can_view(user, minutes) is expected_view, (who, state)
        assert Minutes.objects.visible_to(user).filter(pk=minutes.pk).exists() is expected_view, (who, state)
        assert MINUTES_WORKFLOW.can_edit(user, minutes) is (who in EDIT[state]), (who, state)
        client.logout()
        if who != "anonymous":
            client.force_login(user)
        response = client.get(f"/forums/minutes/{minutes.pk}/")
        assert response.status_code == (200 if expected_view else 404), (who, state)
        edit = client.get(f"/forums/minutes/{minutes.pk}/edit/")
        if who == "anonymous":
            assert edit.status_code == 302
        else:
            assert edit.status_code == (200 if who in EDIT[state] else 404 if not expected_view else 403), (
                who,
                state,
            )


@pytest.mark.parametrize("who", WHO)
def test_edit_through_the_service_follows_the_matrix(net, who):
    minutes = make_minutes(net)
    user = user_of(net, who)
    if who in EDIT["draft"]:
        services.minutes_update(minutes=minutes, by=user, body="<p>Sửa</p>")
        assert Minutes.objects.get(pk=minutes.pk).body == "<p>Sửa</p>"
    else:
        with pytest.raises(TransitionRefused):
            services.minutes_update(minutes=minutes, by=user, body="<p>Sửa</p>")
        assert Minutes.objects.get(pk=minutes.pk).body != "<p>Sửa</p>"


@pytest.mark.parametrize(
    "who,allowed",
    [("official", True), ("secretary", True), ("staff", True), ("other_official", False), ("trainer", False)],
)
def test_submit_for_review(net, who, allowed):
    minutes = make_minutes(net)
    if allowed:
        assert services.minutes_submit(minutes=minutes, by=getattr(net, who)).state == "pending"
    else:
        with pytest.raises(TransitionRefused):
            services.minutes_submit(minutes=minutes, by=getattr(net, who))
        assert Minutes.objects.get(pk=minutes.pk).state == "draft"


@pytest.mark.parametrize("who", ["official", "secretary", "other_official", "trainer"])
def test_only_programme_staff_publish(net, who):
    minutes = make_minutes(net, state="pending")
    with pytest.raises(TransitionRefused):
        services.minutes_publish(minutes=minutes, by=getattr(net, who))
    assert services.minutes_publish(minutes=minutes, by=net.staff).state == "published"


def test_send_back_needs_a_comment(net):
    minutes = make_minutes(net, state="pending")
    with pytest.raises(TransitionRefused):
        services.minutes_send_back(minutes=minutes, by=net.staff, comment="")
    assert (
        services.minutes_send_back(minutes=minutes, by=net.staff, comment="Thiếu danh sách").state == "draft"
    )


def test_a_participating_city_authors_too(net):
    from tests.forums.factories import make_meeting

    shared = make_meeting(net, title="Liên thành phố", cities=[net.other_city])
    minutes = services.minutes_create(meeting=shared, by=net.other_official, body="Biên bản")
    assert MINUTES_WORKFLOW.can_edit(net.official, minutes)
    with pytest.raises(services.ForumError):
        services.minutes_create(meeting=net.meeting, by=net.other_official, body="Không phải của tôi")


def test_the_forum_and_meeting_pages_hide_other_cities_drafts(net, client):
    draft = make_minutes(net)
    client.force_login(net.other_official)
    forum_page = client.get(f"/forums/{net.forum.pk}/").content.decode()
    meeting_page = client.get(f"/forums/meetings/{net.meeting.pk}/").content.decode()
    for page in (forum_page, meeting_page):
        assert f"/forums/minutes/{draft.pk}/" not in page
    client.force_login(net.official)
    assert (
        f"/forums/minutes/{draft.pk}/" in client.get(f"/forums/meetings/{net.meeting.pk}/").content.decode()
    )


def test_public_minutes_show_no_personal_data(net, client):
    from portal.models import Person

    person = Person.objects.create(name="Lê Thị Riêng Tư", city=net.city)
    net.meeting.people.add(person)
    minutes = make_minutes(net, state="published", is_public=True)
    page = client.get(f"/forums/minutes/{minutes.pk}/").content.decode()
    meeting_page = client.get(f"/forums/meetings/{net.meeting.pk}/").content.decode()
    assert "Biên bản" in page or "Diễn đàn" in page
    for text in (page, meeting_page):
        assert "Lê Thị Riêng Tư" not in text
        assert net.official.username not in text and net.staff.username not in text
    client.force_login(net.other_official)
    assert "Lê Thị Riêng Tư" in client.get(f"/forums/meetings/{net.meeting.pk}/").content.decode()


def test_decisions_follow_the_meeting(net):
    services.decision_add(
        meeting=net.meeting, by=net.official, text="Kiến nghị Bộ Xây dựng", addressed_to="ministry"
    )
    assert selectors.issues_raised(net.official).count() == 1
    assert selectors.issues_raised(net.other_official).count() == 0  # minutes not published yet
    assert selectors.issues_raised(AnonymousUser()).count() == 0
    make_minutes(net, state="published")
    assert selectors.issues_raised(net.other_official).count() == 1
    assert selectors.issues_raised(AnonymousUser()).count() == 0  # not public
    with pytest.raises(services.ForumError):
        services.decision_add(meeting=net.meeting, by=net.other_official, text="x", addressed_to="ministry")
