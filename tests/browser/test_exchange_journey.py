"""At 360 px: the host city's secretary plans an exchange, marks it held, adds participants and
writes the report with a photo; the visiting city's secretary adds its lessons; the host
submits; programme staff publish it, and it appears in the network view."""

import io

from django.utils import timezone
from PIL import Image

from exchanges.models import ExchangeLesson, ExchangeVisit
from portal.models import Role
from tests.browser.conftest import log_in
from tests.factories import CityFactory, CommunityFactory, PersonFactory, user_with_role

NARROW = {"width": 360, "height": 740}


def _page(browser, live_server):
    context = browser.new_context(viewport=NARROW, base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], page.url


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_exchange_from_plan_to_network(browser, live_server, transactional_db):
    vinh, hai_duong = CityFactory(name="Vinh"), CityFactory(name="Hải Dương")
    CommunityFactory(ward__city=vinh)
    user_with_role(Role.CDF_SECRETARY, vinh, username="huong")
    user_with_role(Role.CDF_SECRETARY, hai_duong, username="mai")
    user_with_role(Role.PROGRAMME_STAFF, username="anh")
    known = PersonFactory(name="Trần Thị Lan", phone="0905 123 456", city=vinh)
    today = timezone.localdate().isoformat()

    context, page = _page(browser, live_server)
    log_in(page, "huong")
    page.goto("/exchanges/")
    _fits(page)
    page.click("a[href='/exchanges/new/']")
    page.fill("input[name=title]", "Hải Dương học tập ở Vinh")
    page.select_option("select[name=kind]", "city_to_city")
    page.select_option("select[name=host_city]", str(vinh.pk))
    page.select_option("select[name=visiting_cities]", [str(hai_duong.pk)])
    page.fill("input[name=start_date]", today)
    page.fill("input[name=end_date]", today)
    page.fill("textarea[name=purpose]", "Học mô hình nhóm tiết kiệm")
    page.check("input[name=topics][value=savings_groups]")
    page.fill("input[name=budget]", "12000000")
    _fits(page)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/exchanges/*/")
    exchange = ExchangeVisit.objects.get()
    _fits(page)

    page.click("form.transition button[value=mark_held]")
    page.wait_for_selector("#report-form")
    assert ExchangeVisit.objects.get().state == "held"

    # a participant matched in the registry by phone, another new
    page.click("details.add-participant summary")
    page.fill("#add-participant input[name=name]", "Tran Thi Lan")
    page.select_option("#add-participant select[name=gender]", "female")
    page.fill("#add-participant input[name=phone]", "0905123456")
    page.click("#add-participant button[type=submit]")
    page.wait_for_selector("table.participants")
    assert "Trần Thị Lan" in page.locator(".messages").inner_text()
    page.click("details.add-participant summary")
    page.fill("#add-participant input[name=name]", "Phan Văn Hải")
    page.select_option("#add-participant select[name=gender]", "male")
    page.click("#add-participant button[type=submit]")
    page.wait_for_selector("text=Phan Văn Hải")
    assert exchange.participants.count() == 2 and exchange.participants.filter(person=known).exists()
    _fits(page)

    # the report with a photo (saved, not yet submitted)
    page.fill("#report-form textarea[name=report_text]", "Đoàn Hải Dương thăm ba nhóm tiết kiệm ở Hưng Bình.")
    page.click("#report-form button[name=save]")
    page.wait_for_selector("#file-form")
    page.set_input_files(
        "#file-form input[name=file]", files=[{"name": "anh.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.fill("#file-form input[name=caption]", "Thăm nhóm tiết kiệm")
    page.check("#file-form input[name=is_public]")
    page.click("#file-form button[type=submit]")
    page.wait_for_selector("ul.photos img")
    assert page.evaluate("document.querySelector('ul.photos img').naturalWidth") == 64
    _fits(page)
    context.close()

    # the visiting city's secretary writes its own lessons
    context, page = _page(browser, live_server)
    log_in(page, "mai")
    page.goto(f"/exchanges/{exchange.pk}/")
    assert page.locator("#report-form").count() == 0  # not theirs
    page.fill("#lesson-form textarea[name=lessons]", "Họp nhóm hằng tháng, công khai số dư.")
    page.click("#lesson-form button[type=submit]")
    page.wait_for_selector("article.lesson")
    assert ExchangeLesson.objects.get().city == hai_duong
    _fits(page)
    context.close()

    # the host submits
    context, page = _page(browser, live_server)
    log_in(page, "huong")
    page.goto(f"/exchanges/{exchange.pk}/")
    page.click("#report-form button[name=submit]")
    page.wait_for_selector(".messages")
    assert ExchangeVisit.objects.get().state == "report_submitted"
    context.close()

    # staff publish; the exchange appears in the network view
    context, page = _page(browser, live_server)
    log_in(page, "anh")
    page.goto(f"/exchanges/{exchange.pk}/")
    page.click("form.transition button[value=publish]")
    page.wait_for_selector(".messages")
    assert ExchangeVisit.objects.get().state == "report_published"
    page.goto("/exchanges/network/")
    row = page.locator("table.network-table tbody tr").first.inner_text()
    assert "Hải Dương" in row and "Vinh" in row and "1" in row
    assert page.locator("svg.network-svg g.edge").count() == 1
    _fits(page)
    context.close()
