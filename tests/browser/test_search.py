"""The search page on a 360 px phone with JavaScript off: type, narrow by a facet, page on."""

from portal.models import Role
from search import indexing
from tests.browser.conftest import log_in
from tests.factories import CityFactory, CommunityFactory, WardFactory, user_with_role
from tests.proposals.factories import Actors, make_proposal


def test_search_on_a_small_phone_without_javascript(browser, live_server, transactional_db):
    hanoi = CityFactory(name="Hà Nội")
    actors = Actors(CommunityFactory(ward=WardFactory(city=hanoi)))
    for i in range(23):
        make_proposal(
            actors, state="submitted", title=f"Mương thoát nước số {i}", description="Khơi thông mương"
        )
    other = Actors(CommunityFactory())
    make_proposal(other, state="submitted", title="Mương ở nơi khác", description="mương")
    user_with_role(Role.PROGRAMME_STAFF, username="lan")
    indexing.rebuild()

    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        base_url=live_server.url,
        locale="vi-VN",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, "lan")
        page.wait_for_load_state()
        page.click("nav >> text=Tìm kiếm")
        page.fill("#q", "muong")
        page.click("form.search-form button[type=submit]")
        page.wait_for_load_state()
        assert "24 kết quả" in page.locator("main").inner_text()
        assert page.locator(".hit mark").first.inner_text().lower() == "mương"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.click(".search-facets a:has-text('Hà Nội')")
        page.wait_for_load_state()
        assert "23 kết quả" in page.locator("main").inner_text()
        assert page.locator(".hit").count() == 20
        page.click(".pagination >> text=Trang sau")
        page.wait_for_load_state()
        assert page.locator(".hit").count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
