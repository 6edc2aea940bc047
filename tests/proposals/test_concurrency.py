"""Races: threads with their own connections. PostgreSQL settles them with row locks, SQLite
(the embedded default) with IMMEDIATE transactions and a busy timeout; neither says
"database is locked"."""

import threading
import uuid

import pytest
from django.db import OperationalError, connection
from django.utils import translation

from portal.models import Role
from proposals import services
from proposals.models import LedgerEntry, Proposal
from tests.factories import user_with_role
from tests.proposals.factories import fund_city, make_proposal
from workflows.engine import TransitionConflict, WorkflowError

pytestmark = [pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run the calls at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            with translation.override("en"):  # the language is per thread
                results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_approvals_one_wins(actors):
    proposal = make_proposal(actors, state="endorsed")
    second = user_with_role(Role.CITY_OFFICIAL, actors.community.ward.city)
    stale_a = Proposal.objects.get(pk=proposal.pk)
    stale_b = Proposal.objects.get(pk=proposal.pk)
    results = race(
        lambda: services.proposal_approve(proposal=stale_a, by=actors.city),
        lambda: services.proposal_approve(proposal=stale_b, by=second),
    )
    winners = [r for r in results if isinstance(r, Proposal)]
    losers = [r for r in results if isinstance(r, TransitionConflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "already Approved" in str(losers[0])
    assert Proposal.objects.get(pk=proposal.pk).state == "approved"
    assert proposal.state == "endorsed"
    from workflows.engine import history

    assert [h.transition for h in history(proposal)].count("approve") == 1


def test_two_disbursements_cannot_overdraw_the_fund(actors):
    fund_city(actors, 100_000_000)
    first = make_proposal(actors, state="approved", amount=60_000_000)
    second = make_proposal(actors, state="approved", amount=60_000_000)
    results = race(
        lambda: services.proposal_disburse(proposal=first, by=actors.secretary, amount=60_000_000),
        lambda: services.proposal_disburse(proposal=second, by=actors.secretary, amount=60_000_000),
    )
    assert sum(isinstance(r, Proposal) for r in results) == 1, results
    loser = next(r for r in results if not isinstance(r, Proposal))
    assert isinstance(loser, WorkflowError) and "holds only" in str(loser)
    assert actors.community.ward.city.fund.balance() == 40_000_000
    assert LedgerEntry.objects.filter(kind="disbursement").count() == 1


def test_same_disbursement_form_sent_twice_at_once(actors):
    fund_city(actors, 100_000_000)
    proposal = make_proposal(actors, state="approved", amount=60_000_000)
    token = uuid.uuid4()
    results = race(
        lambda: services.proposal_disburse(
            proposal=proposal, by=actors.secretary, amount=30_000_000, token=token
        ),
        lambda: services.proposal_disburse(
            proposal=proposal, by=actors.secretary, amount=30_000_000, token=token
        ),
    )
    assert sum(isinstance(r, Proposal) for r in results) == 1, results
    assert sum(isinstance(r, TransitionConflict) for r in results) == 1, results
    assert actors.community.ward.city.fund.balance() == 70_000_000
    assert Proposal.objects.get(pk=proposal.pk).amount_left == 30_000_000


def test_two_tranches_of_one_proposal_cannot_exceed_the_approved_amount(actors):
    fund_city(actors, 500_000_000)
    proposal = make_proposal(actors, state="funded", amount=100_000_000)
    # reverse the tranche so 100M is left, then race two 70M tranches from "funded"
    entry = LedgerEntry.objects.get(kind="disbursement")
    services.ledger_reverse_entry(entry=entry, by=actors.secretary, reason="test")
    results = race(
        lambda: services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=70_000_000),
        lambda: services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=70_000_000),
    )
    assert sum(isinstance(r, Proposal) for r in results) == 1, results
    assert Proposal.objects.get(pk=proposal.pk).disbursed == 70_000_000


def test_eight_identical_disbursement_posts_at_once(actors):
    """The form sent eight times at once (a double tap on a slow phone, times four): one
    tranche, seven polite refusals, never a server error."""
    from django.test import Client
    from django.urls import reverse

    fund_city(actors, 100_000_000)
    proposal = make_proposal(actors, state="approved", amount=60_000_000)
    token = str(uuid.uuid4())
    clients = []
    for _ in range(8):
        client = Client()  # raises any server error instead of answering 500
        client.force_login(actors.secretary)
        clients.append(client)
    url = reverse("proposals:proposal_disburse", args=[proposal.pk])
    data = {"amount": "30.000.000", "date": "2026-03-01", "token": token, "state": "approved", "comment": ""}
    results = race(*[lambda c=c: c.post(url, data) for c in clients])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert not any(isinstance(r, OperationalError) for r in results)
    assert all(r.status_code in (200, 302) for r in results), [r.status_code for r in results]
    assert LedgerEntry.objects.filter(kind="disbursement").count() == 1
    assert actors.community.ward.city.fund.balance() == 70_000_000
