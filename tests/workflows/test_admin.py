"""The Wagtail admin honours the workflows: what the site hides stays hidden, edits happen only
where the state allows and go through the same services, nothing is added or deleted around
them."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.models import Role
from portal.services import programme_staff_group_sync
from proposals.models import Proposal
from tests.factories import user_with_role
from tests.proposals.factories import make_proposal
from tests.training import factories as training
from training import services as training_services
from training.models import Attendance, TrainingSession


@pytest.fixture
def staff(db):
    user = user_with_role(Role.PROGRAMME_STAFF, username="staffer")
    user.groups.add(programme_staff_group_sync())
    return user


@pytest.fixture(params=["staff", "superuser"])
def admin_user_of(request, db):
    if request.param == "superuser":
        return user_with_role(Role.PROGRAMME_STAFF, username="root", is_staff=True, is_superuser=True)
    return request.getfixturevalue("staff")


def _refused(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _url(model, view, *args):
    return reverse(f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:{view}", args=args)


def test_an_admin_edit_of_a_submitted_proposal_is_refused(actors, client, admin_user_of):
    proposal = make_proposal(actors, state="submitted")
    client.force_login(admin_user_of)
    assert _refused(client.get(_url(Proposal, "edit", proposal.pk)))
    assert _refused(client.post(_url(Proposal, "edit", proposal.pk), {"title": "Changed by the admin"}))
    assert Proposal.objects.get(pk=proposal.pk).title == "Bê tông hóa ngõ 5"
    assert client.get(_url(Proposal, "inspect", proposal.pk)).status_code == 200


def test_a_community_draft_stays_private_in_the_admin(actors, client, admin_user_of):
    draft = make_proposal(actors, title="Bản nháp riêng của khối")
    submitted = make_proposal(actors, state="submitted", title="Đã nộp")
    client.force_login(admin_user_of)
    listing = client.get(_url(Proposal, "list")).content.decode()
    assert "Đã nộp" in listing and "Bản nháp riêng" not in listing
    assert _refused(client.get(_url(Proposal, "inspect", draft.pk)))
    assert _refused(client.get(_url(Proposal, "edit", draft.pk)))
    assert client.get(_url(Proposal, "inspect", submitted.pk)).status_code == 200


def test_proposals_are_never_added_or_deleted_in_the_admin(actors, client, staff):
    proposal = make_proposal(actors, state="submitted")
    client.force_login(staff)
    assert _refused(client.get(_url(Proposal, "add")))
    assert _refused(client.post(_url(Proposal, "delete", proposal.pk)))
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_a_session_edit_goes_through_the_service_while_open_and_is_refused_once_closed(client, staff):
    session = training.session(trainers=[])
    client.force_login(staff)
    page = client.get(_url(TrainingSession, "edit", session.pk))
    assert page.status_code == 200
    data = {
        "code": session.code,
        "course": session.course_id,
        "city": session.city_id,
        "venue": "Nhà văn hoá khối 3",
        "starts_at": session.starts_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "ends_at": session.ends_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "capacity": 40,
        "trainers": [],
        "topics_covered": "",
        "notes": "",
    }
    response = client.post(_url(TrainingSession, "edit", session.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert (session.venue, session.capacity) == ("Nhà văn hoá khối 3", 40)
    assert ModelLogEntry.objects.filter(object_id=str(session.pk), action="wagtail.edit").exists()

    session = training_services.session_mark_held(session=session, by=staff)
    session = training_services.session_submit_report(session=session, by=staff, topics_covered="Sổ quỹ")
    assert _refused(client.get(_url(TrainingSession, "edit", session.pk)))
    assert _refused(client.post(_url(TrainingSession, "edit", session.pk), {**data, "venue": "Sau khi khoá"}))
    assert TrainingSession.objects.get(pk=session.pk).venue == "Nhà văn hoá khối 3"


def test_attendance_is_read_only_in_the_admin(client, staff):
    session = training.session()
    attendance = training.roster(session, 1, by=staff)[0]
    client.force_login(staff)
    assert client.get(_url(Attendance, "list")).status_code == 200
    assert _refused(client.get(_url(Attendance, "edit", attendance.pk)))
    assert _refused(client.post(_url(Attendance, "delete", attendance.pk)))
    assert Attendance.objects.filter(pk=attendance.pk).exists()


def test_a_session_outside_the_users_scope_is_not_listed_in_the_admin(client, db):
    from tests.factories import CityFactory

    city = CityFactory()
    trainer = user_with_role(Role.TRAINER, city, username="trainer-admin", is_staff=True)
    trainer.groups.add(programme_staff_group_sync())
    mine = training.session(city=city, trainers=[trainer], code="mine-1")
    other = training.session(city=city, code="other-1")
    client.force_login(trainer)
    listing = client.get(_url(TrainingSession, "list")).content.decode()
    assert mine.code in listing and other.code not in listing
    assert _refused(client.get(_url(TrainingSession, "edit", other.pk)))
