import pytest

from tests.factories import CommunityFactory
from tests.proposals.factories import Actors


@pytest.fixture
def actors(db):
    return Actors(CommunityFactory())
