"""`indexing_paused()`: for bulk loads that rebuild the index at the end (seed_demo)."""

from django.db import transaction

from portal.searchable import indexing_paused
from proposals import services
from search.models import SearchEntry
from tests.factories import CommunityFactory
from tests.proposals.factories import Actors, make_proposal


def test_changes_in_the_block_queue_nothing_even_when_committed_after_it(
    db, django_capture_on_commit_callbacks
):
    actors = Actors(CommunityFactory())
    # the pause ends first, then the transaction commits and its callbacks run
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), indexing_paused():
        proposal = make_proposal(actors, state="submitted", title="Nạo vét kênh")
    assert not SearchEntry.objects.filter(object_id=proposal.pk).exists()

    # outside the block, a change reaches the index after commit as usual
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_endorse(proposal=proposal, by=actors.ward)
    assert SearchEntry.objects.get(type="proposal", object_id=proposal.pk).title == "Nạo vét kênh"
