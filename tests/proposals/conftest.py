import pytest

from tests.factories import CommunityFactory
from tests.proposals.factories import Actors


@pytest.fixture
def actors(db):
    return Actors(CommunityFactory())


@pytest.fixture
def fire():
    return fire_action


def fire_action(name, proposal, user, **extra):
    """Call the named service with the inputs each action needs."""
    from proposals import services

    if name == "disburse":
        return services.proposal_disburse(
            proposal=proposal, by=user, amount=extra.get("amount", proposal.approved_amount or 1)
        )
    if name == "complete":
        return services.proposal_complete(
            proposal=proposal, by=user, actual_households=40, actual_cost=1_000_000, report="Đã xong"
        )
    if name in ("request_revision", "reject"):
        return services.SIMPLE_ACTIONS[name](proposal=proposal, by=user, comment="Cần bổ sung")
    return services.SIMPLE_ACTIONS[name](proposal=proposal, by=user)
