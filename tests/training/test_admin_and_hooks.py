import io

import pytest
from django.urls import reverse
from PIL import Image

from portal.models import Role
from tests.factories import user_with_role
from training.models import SessionPhoto, TrainingSession

from . import factories


@pytest.fixture
def staff_admin(db):
    user = user_with_role(Role.PROGRAMME_STAFF, username="ngoc")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("model", ["course", "trainingsession", "attendance"])
def test_staff_admin_lists_filters_and_exports(client, staff_admin, model):
    session = factories.session(days=1)
    factories.roster(session, 2)
    client.force_login(staff_admin)
    url = f"/admin/snippets/training/{model}/"
    assert client.get(url).status_code == 200
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_session_admin_form_has_no_status_field(client, staff_admin):
    session = factories.session(days=1)
    client.force_login(staff_admin)
    body = client.get(f"/admin/snippets/training/trainingsession/edit/{session.pk}/").content.decode()
    assert 'name="venue"' in body and 'name="status"' not in body


def test_my_work_shows_my_sessions_and_the_menu_links_training(client, db):
    session, trainer = factories.session_with_trainer(days=1)
    client.force_login(trainer)
    body = client.get(reverse("portal:my_work"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My sessions" in body
    assert reverse("training:session_detail", args=[session.pk]) in body
    assert f'href="{reverse("training:session_list")}"' in body
    from tests.factories import CommunityFactory

    client.force_login(user_with_role(Role.COMMUNITY_REPRESENTATIVE, CommunityFactory()))
    body = client.get(reverse("portal:my_work"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("training:session_list") not in body


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "lop-hoc.png"
    return buffer


def test_report_with_a_photo_then_submitted(client, db):
    session, trainer = factories.session_with_trainer(days=1)
    client.force_login(trainer)
    url = reverse("training:session_report", args=[session.pk])
    client.post(reverse("training:session_transition", args=[session.pk, "mark_held"]))
    response = client.post(
        url,
        {
            "topics_covered": "Sổ quỹ, cho vay",
            "notes": "",
            "photo": _png(),
            "caption": "Cả lớp",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get(pk=session.pk)
    assert session.status == "report_submitted" and session.report_submitted_at
    assert SessionPhoto.objects.get(session=session).caption == "Cả lớp"
    from django_fsm_log.models import StateLog

    assert list(StateLog.objects.for_(session).values_list("transition", "by")) == [
        ("mark_held", trainer.pk),
        ("submit_report", trainer.pk),
    ]


def test_report_needs_topics_and_a_held_session(client, db):
    session = factories.session(days=1)
    staff = user_with_role(Role.PROGRAMME_STAFF)
    client.force_login(staff)
    url = reverse("training:session_report", args=[session.pk])
    client.post(url, {"topics_covered": "Sổ quỹ", "notes": "", "submit": "1"})
    assert TrainingSession.objects.get(pk=session.pk).status == "planned"


def test_a_future_session_cannot_be_marked_held(client, db):
    import datetime

    from django.utils import timezone

    session = factories.session(days=1, start=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(user_with_role(Role.PROGRAMME_STAFF))
    client.post(reverse("training:session_transition", args=[session.pk, "mark_held"]))
    assert TrainingSession.objects.get(pk=session.pk).status == "planned"
