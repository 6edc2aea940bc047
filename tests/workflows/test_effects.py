"""Effects after commit never fail the request that caused them: the transition is done, the
failure is logged and retried, `transition_committed` fires once; mail is in each recipient's
language with a safe one-line subject; the demo sends nothing."""

import logging

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.users.models import UserProfile

from proposals import services
from proposals.models import Proposal
from tests.proposals.factories import make_proposal
from tests.workflows.mail_backends import DownBackend
from workflows import notifications, tasks
from workflows.engine import transition_committed

HOSTILE_TITLE = "Lắp đèn\r\nBcc: x@example.org"


@pytest.fixture
def committed():
    seen = []

    def receiver(sender, instance, name, **kwargs):
        seen.append((sender, instance.pk, name))

    transition_committed.connect(receiver, dispatch_uid="test_effects_counter")
    yield seen
    transition_committed.disconnect(dispatch_uid="test_effects_counter")


def test_a_mail_server_that_is_down_never_fails_the_action(
    actors, client, settings, caplog, committed, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.workflows.mail_backends.DownBackend"
    DownBackend.attempts = 0
    proposal = make_proposal(actors, title=HOSTILE_TITLE)
    client.force_login(actors.rep)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("proposals:proposal_transition", args=[proposal.pk, "submit"]),
            {"state": "draft"},
            follow=True,
        )
    assert response.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).state == "submitted"
    # the page says it is done
    assert any(m.level_tag == "success" for m in response.context["messages"])
    # the signal fired exactly once, whatever the mail did
    assert committed == [(Proposal, proposal.pk, "submit")]
    # each recipient was tried, then retried until the task gave up; every failure logged
    recipients = 1  # the ward officer may endorse next; the community rep acted
    assert DownBackend.attempts == recipients * tasks.MAX_ATTEMPTS
    failures = [r for r in caplog.records if "transition mail" in r.getMessage()]
    assert len(failures) == tasks.MAX_ATTEMPTS
    assert any("gave up" in r.getMessage() for r in caplog.records)


def test_a_receiver_that_raises_is_logged_and_the_others_still_run(
    actors, caplog, committed, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("index is down")

    transition_committed.connect(broken, dispatch_uid="test_broken_receiver")
    try:
        proposal = make_proposal(actors)
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            proposal = services.proposal_submit(proposal=proposal, by=actors.rep)
    finally:
        transition_committed.disconnect(dispatch_uid="test_broken_receiver")
    assert proposal.state == "submitted"
    assert committed == [(Proposal, proposal.pk, "submit")]
    assert any("index is down" in str(r.exc_info) for r in caplog.records if r.exc_info)
    assert len(mail.outbox) == 1  # the notification receiver still ran


def test_subjects_are_one_plain_line_in_each_recipients_language(actors, django_capture_on_commit_callbacks):
    UserProfile.get_for_user(actors.ward).__class__.objects.filter(user=actors.ward).update(
        preferred_language="en"
    )
    vi_officer = actors.city
    proposal = make_proposal(actors, title='Đèn "ngõ 5" <b>&</b>\r\nBcc: x@example.org')
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_submit(proposal=proposal, by=actors.rep)
    (message,) = mail.outbox
    assert message.to == [actors.ward.email]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "&quot;" not in message.subject and "&lt;" not in message.subject
    assert '"ngõ 5" <b>&</b>' in message.subject
    assert message.subject.startswith("[CDF]") and message.subject.endswith(": Submitted")  # English, chosen
    assert "Bcc" not in message.extra_headers
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_endorse(proposal=proposal, by=actors.ward)
    (to_city,) = [m for m in mail.outbox if m.to == [vi_officer.email]]
    # Vietnamese, the default, for the official who chose nothing
    assert to_city.subject.startswith("[Quỹ PTCĐ]") and to_city.subject.endswith("Phường đã xác nhận")


def test_recipients_follow_the_declaration(actors):
    proposal = make_proposal(actors, state="submitted")
    actors_now, owners = notifications.recipients(proposal, by=actors.ward)
    assert actors_now == set() and owners == {actors.rep}
    actors_now, owners = notifications.recipients(proposal)
    assert actors_now == {actors.ward}


def test_muted_sends_nothing(actors, django_capture_on_commit_callbacks):
    proposal = make_proposal(actors)
    with notifications.muted(), django_capture_on_commit_callbacks(execute=True):
        services.proposal_submit(proposal=proposal, by=actors.rep)
    assert mail.outbox == []


def test_muted_holds_for_a_transaction_that_commits_later(actors, django_capture_on_commit_callbacks):
    from django.db import transaction

    proposal = make_proposal(actors)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), notifications.muted():
        services.proposal_submit(proposal=proposal, by=actors.rep)
    assert mail.outbox == []


def test_switching_language_on_the_site_keeps_it_for_mail(actors, client, django_capture_on_commit_callbacks):
    client.force_login(actors.ward)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert UserProfile.objects.get(user=actors.ward).preferred_language == "en"
    assert notifications.language_of(actors.ward) == "en"
    assert notifications.language_of(actors.city) == "vi"  # nothing chosen: Vietnamese
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert UserProfile.objects.get(user=actors.ward).preferred_language == "en"
