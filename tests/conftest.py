import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Cheap tests first, browser tests last: a failing unit test reports before Chromium starts.
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL, as .ci/run does)")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run outside a request speaks English in tests, so assertions read plainly;
    requests still choose their own language through LocaleMiddleware."""
    from django.utils import translation

    with translation.override("en"):
        yield
