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
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run outside a request speaks English in tests, so assertions read plainly;
    requests still choose their own language through LocaleMiddleware."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _ensure_wagtail_tree():
    """Put back the rows migrations create (Wagtail's locale, root and home page, default site,
    root collection) when a flush has removed them."""
    from django.conf import settings
    from django.utils.translation import get_supported_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    from portal.models import HomePage

    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if Site.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=HomePage(title="Quỹ Phát triển Cộng đồng", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="CDF Portal")


@pytest.fixture(autouse=True)
def _wagtail_tree_in_transactional_tests(request):
    """A transactional test (live server, threads) ends by flushing every table, including the
    rows migrations made; the next transactional test would find no home page. Restore them, so
    such tests do not depend on their order."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        _ensure_wagtail_tree()
    yield
