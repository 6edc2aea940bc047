"""The whole journey of a proposal on a phone, each actor in their own browser session."""

from portal.models import Role
from proposals import services
from proposals.models import LedgerEntry, Proposal
from tests.browser.conftest import PHONE, log_in
from tests.factories import CommunityFactory, user_with_role
from tests.proposals.factories import PNG


def session(browser, live_server, username):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, username)
    return page


def act(page, proposal, action, comment=""):
    page.goto(f"/proposals/{proposal.pk}/")
    if comment:
        page.fill(f"#comment-{action}", comment)
    page.click(f"button[value={action}]")
    page.wait_for_load_state()


def test_submit_endorse_revise_approve_disburse_complete_close(browser, live_server, transactional_db):
    community = CommunityFactory(name="Khối 7")
    city = community.ward.city
    user_with_role(Role.COMMUNITY_REPRESENTATIVE, community, username="lan")
    user_with_role(Role.WARD_OFFICER, community.ward, username="hung")
    user_with_role(Role.CITY_OFFICIAL, city, username="tuan")
    secretary = user_with_role(Role.CDF_SECRETARY, city, username="huong")
    services.fund_record_contribution(
        city=city, by=secretary, kind=LedgerEntry.Kind.SEED_CAPITAL, amount=500_000_000
    )

    # The community drafts in three steps and submits.
    lan = session(browser, live_server, "lan")
    lan.goto("/proposals/new/")
    lan.fill("#id_title", "Bê tông hóa ngõ 12")
    lan.select_option("#id_category", "roads")
    lan.fill("#id_description", "Đổ bê tông 150 m ngõ, rộng 2 m")
    lan.fill("#id_location", "Ngõ 12, Khối 7")
    lan.fill("#id_households_planned", "38")
    lan.click("button.primary")
    lan.fill("#id_lines-0-item", "Bê tông mác 200")
    lan.fill("#id_lines-0-quantity", "45")
    lan.fill("#id_lines-0-unit", "m3")
    lan.fill("#id_lines-0-unit_cost", "1200000")
    # Amounts typed the way they are written in Vietnam; money.js shows them grouped and in
    # words as they are typed, so a missing zero shows at once.
    lan.locator("#id_requested_amount").fill("")
    lan.locator("#id_requested_amount").press_sequentially("4500000")
    assert lan.locator("#id_requested_amount + .money-hint").inner_text() == "4.500.000\u00a0₫ · 4,5 triệu"
    lan.fill("#id_requested_amount", "45.000.000")
    assert lan.locator("#id_requested_amount + .money-hint").inner_text() == "45.000.000\u00a0₫ · 45 triệu"
    lan.fill("#id_contribution_cash", "5 000 000")
    lan.fill("#id_contribution_labour", "4000000")
    lan.click("button.primary")
    lan.set_input_files(
        "#id_file", files=[{"name": "hien-trang.png", "mimeType": "image/png", "buffer": PNG}]
    )
    lan.click("button[name=upload]")
    assert "hien-trang.png" in lan.locator("main").inner_text()
    assert lan.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    proposal = Proposal.objects.get(title="Bê tông hóa ngõ 12")
    assert (proposal.requested_amount, proposal.contribution_cash) == (45_000_000, 5_000_000)
    act(lan, proposal, "submit")
    assert Proposal.objects.get(pk=proposal.pk).state == "submitted"

    # The ward sees it on "My work" and endorses.
    hung = session(browser, live_server, "hung")
    assert "Bê tông hóa ngõ 12" in hung.locator("main").inner_text()
    act(hung, proposal, "endorse", "Đúng hiện trạng")

    # The city sends it back with a comment; the community resubmits.
    tuan = session(browser, live_server, "tuan")
    act(tuan, proposal, "request_revision", "Bổ sung bản vẽ mặt cắt")
    assert Proposal.objects.get(pk=proposal.pk).state == "revision_requested"
    lan.goto(f"/proposals/{proposal.pk}/")
    assert "Bổ sung bản vẽ mặt cắt" in lan.locator("main").inner_text()
    act(lan, proposal, "resubmit", "Đã bổ sung")
    act(hung, proposal, "endorse")
    act(tuan, proposal, "approve")
    assert Proposal.objects.get(pk=proposal.pk).state == "approved"

    # The secretary disburses the approved amount.
    huong = session(browser, live_server, "huong")
    huong.goto(f"/proposals/{proposal.pk}/disburse/")
    huong.click("button.primary")
    huong.wait_for_load_state()
    assert Proposal.objects.get(pk=proposal.pk).state == "funded"
    huong.goto(f"/funds/{city.pk}/")
    assert "455.000.000" in huong.locator("#balance").inner_text()

    # The community starts, then reports completion with a photo; the city closes.
    act(lan, proposal, "start")
    lan.goto(f"/proposals/{proposal.pk}/complete/")
    lan.fill("#id_actual_households", "40")
    lan.fill("#id_actual_cost", "54000000")
    lan.fill("#id_report", "Hoàn thành 150 m ngõ bê tông")
    lan.set_input_files("#id_photo", files=[{"name": "xong.png", "mimeType": "image/png", "buffer": PNG}])
    lan.click("button.primary")
    lan.wait_for_load_state()
    assert Proposal.objects.get(pk=proposal.pk).state == "completed"
    act(tuan, proposal, "close", "Đã kiểm tra thực địa")

    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.state == "closed"
    assert proposal.actual_households == 40
    tuan.goto(f"/proposals/{proposal.pk}/")
    history = tuan.locator(".wf-history li")
    assert history.count() == 10
    assert "Đã kiểm tra thực địa" in history.nth(9).inner_text()
    for page in (lan, hung, tuan, huong):
        page.context.close()
