"""A trainer at a 170-person session, on a 360 px phone: types part of a name without accents,
finds the person and marks them present; and the same without JavaScript (?q=)."""

import pytest

from portal.models import Role
from tests.browser.conftest import log_in
from tests.factories import CityFactory, user_with_role
from tests.training import factories
from tests.training.roster_data import big_roster
from training.models import AttendanceDay

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def big(transactional_db):
    city = CityFactory(name="Vinh")
    trainer = user_with_role(Role.TRAINER, city, username="thuha")
    session = factories.session(city=city, days=1, trainers=[trainer], code="vinh-big")
    people = big_roster(session)
    target = next(a for a in people if a.person.name == "Đặng Thanh Phượng")
    return session, target


def _page(browser, live_server, javascript=True):
    context = browser.new_context(
        viewport=SMALL_PHONE, base_url=live_server.url, locale="vi-VN", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_find_and_mark_by_typing_without_accents(browser, live_server, big):
    session, target = big
    context, page = _page(browser, live_server)
    try:
        log_in(page, "thuha")
        page.goto(f"/training/sessions/{session.pk}/")
        assert page.locator("table.roster tr[data-n]").count() == 170
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("input[data-roster-filter]").press_sequentially("dang thanh phuo", delay=20)
        visible = page.locator("table.roster tr[data-n]:visible")
        assert visible.count() == 1
        assert "Đặng Thanh Phượng" in visible.first.inner_text()
        button = page.locator(f"#a{target.pk} button.tap")
        assert button.get_attribute("aria-pressed") == "false"
        button.click()
        page.wait_for_function(
            f"document.querySelector('#a{target.pk} button.tap').getAttribute('aria-pressed') === 'true'"
        )
        assert AttendanceDay.objects.get(attendance=target, day=session.days[0]).present
        assert page.locator("[data-present-count]").inner_text() == "1"
    finally:
        context.close()


def test_the_same_without_javascript(browser, live_server, big):
    session, target = big
    context, page = _page(browser, live_server, javascript=False)
    try:
        log_in(page, "thuha")
        page.goto(f"/training/sessions/{session.pk}/")
        page.fill("input[name=q]", "phuong")
        page.click("form.find button[type=submit]")
        page.wait_for_url("**q=phuong**")
        rows = page.locator("table.roster tr[data-n]")
        assert rows.count() == 13 and all("Phượng" in t for t in rows.all_inner_texts())
        page.click(f"#a{target.pk} button.tap")
        page.wait_for_url(f"**q=phuong#a{target.pk}")
        assert AttendanceDay.objects.get(attendance=target, day=session.days[0]).present
        assert page.locator(f"#a{target.pk} button.tap").get_attribute("aria-pressed") == "true"
    finally:
        context.close()
