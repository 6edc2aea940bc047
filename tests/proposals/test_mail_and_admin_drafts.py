"""Two of issue 8's smaller findings, verified: e-mail subjects carry the title as typed (no
HTML entities), and staff neither see nor edit a community's draft in the Wagtail admin."""

from django.core import mail
from django.urls import reverse

from portal.models import Role
from proposals import services
from tests.factories import user_with_role
from tests.proposals.factories import make_proposal

TITLE = 'Ngõ "số 5" & cống <thoát nước> it\'s'


def test_the_subject_has_no_html_entities(actors, django_capture_on_commit_callbacks):
    proposal = make_proposal(actors, state="draft", title=TITLE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_submit(proposal=proposal, by=actors.rep)
    assert mail.outbox
    for message in mail.outbox:
        assert TITLE in message.subject, message.subject
        assert "&quot;" not in message.subject and "&amp;" not in message.subject
        assert "&lt;" not in message.subject and "&#x27;" not in message.subject
        assert TITLE in message.body


def test_staff_do_not_see_or_edit_community_drafts_in_the_admin(actors, client):
    staff = user_with_role(Role.PROGRAMME_STAFF, username="staffer", is_staff=True, is_superuser=True)
    draft = make_proposal(actors, state="draft", title="Bản nháp riêng của cộng đồng")
    submitted = make_proposal(actors, state="submitted", title="Đề xuất đã nộp")
    client.force_login(staff)
    listing = client.get(reverse("wagtailsnippets_proposals_proposal:list")).content.decode()
    assert "Đề xuất đã nộp" in listing
    assert "Bản nháp riêng" not in listing
    export = client.get(reverse("wagtailsnippets_proposals_proposal:list"), {"export": "csv"})
    assert "Bản nháp riêng" not in b"".join(export.streaming_content).decode()
    for view in ("edit", "inspect"):
        response = client.get(reverse(f"wagtailsnippets_proposals_proposal:{view}", args=[draft.pk]))
        assert response.status_code in (302, 403, 404), view
    assert (
        client.get(reverse("wagtailsnippets_proposals_proposal:inspect", args=[submitted.pk])).status_code
        == 200
    )
