import pytest

from tests.forums.factories import Network


@pytest.fixture
def net(db):
    return Network()
