from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django_fsm_log.models import StateLog

from proposals.models import CityFund, LedgerEntry, Proposal


def test_demo_proposals_cover_every_state_and_seed_twice_the_same(db):
    call_command("seed_demo", stdout=StringIO())
    counts = dict(Proposal.objects.values_list("state").annotate(n=Count("pk")))
    assert set(counts) == set(Proposal.State.values)
    assert 40 <= sum(counts.values()) <= 50
    assert StateLog.objects.count() > 100
    funds = list(CityFund.objects.all())
    assert len(funds) == 3 and all(f.balance() > 0 for f in funds)
    assert LedgerEntry.objects.filter(kind="repayment").exists()
    before = (Proposal.objects.count(), StateLog.objects.count(), LedgerEntry.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Proposal.objects.count(), StateLog.objects.count(), LedgerEntry.objects.count()) == before
