"""Forum minutes on a 360 px phone: an official drafts minutes with a PDF and submits them;
staff correct them, compare the versions and publish; another city's official reads them;
the public sees only public minutes."""

from forums import samples
from forums.models import Minutes
from tests.browser.conftest import log_in
from tests.forums.factories import Network, make_meeting, make_minutes

NARROW = {"width": 360, "height": 780}


def phone_session(browser, live_server, username=None):
    context = browser.new_context(viewport=NARROW, base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    if username:
        log_in(page, username)
    return page


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_draft_submit_compare_publish_read(browser, live_server, transactional_db):
    net = Network()
    other_meeting = make_meeting(net, title="Kỳ họp công khai", host_city=net.city)
    public = make_minutes(
        net, meeting=other_meeting, state="published", is_public=True, body="<p>Biên bản công khai</p>"
    )

    # The official of Vinh writes the minutes, attaches the signed PDF and submits them.
    tuan = phone_session(browser, live_server, "tuan")
    tuan.goto(f"/forums/meetings/{net.meeting.pk}/")
    assert fits(tuan)
    tuan.click("#minutes a.button.primary")
    tuan.fill("#id_body", "Diễn đàn có 30 hộ tham gia.\n\nKiến nghị Bộ Xây dựng cấp phép sửa nhà.")
    tuan.click("#minutes-form button.primary")
    tuan.wait_for_url("**/forums/minutes/*/")
    assert "30 hộ" in tuan.locator("article").inner_text()
    tuan.set_input_files(
        "#id_file",
        files=[
            {
                "name": "bien-ban.pdf",
                "mimeType": "application/pdf",
                "buffer": samples.text_pdf(["Bien ban ky 3"]),
            }
        ],
    )
    tuan.click("button[name=upload]")
    assert "bien-ban.pdf" in tuan.locator("#files").inner_text()
    assert fits(tuan)
    tuan.click("button[value=submit_for_review]")
    tuan.wait_for_load_state()
    minutes = Minutes.objects.get(meeting=net.meeting)
    assert minutes.state == "pending"
    assert minutes.attachments.get().text_status == "extracted"

    # Programme staff correct the count, compare the two versions side by side, and publish.
    anh = phone_session(browser, live_server, "anh")
    anh.goto(f"/forums/minutes/{minutes.pk}/edit/")
    anh.fill("#id_body", "<p>Diễn đàn có 36 hộ tham gia.</p><p>Kiến nghị Bộ Xây dựng cấp phép sửa nhà.</p>")
    anh.click("#minutes-form button.primary")
    anh.wait_for_url(f"**/forums/minutes/{minutes.pk}/")
    anh.goto(f"/forums/minutes/{minutes.pk}/versions/")
    anh.click("form.card button.primary")
    anh.wait_for_selector("table.diff")
    diff = anh.locator("#compare").inner_text()
    assert "30" in diff and "36" in diff
    assert fits(anh)
    anh.goto(f"/forums/minutes/{minutes.pk}/")
    anh.click("button[value=publish]")
    anh.wait_for_load_state()
    assert Minutes.objects.get(pk=minutes.pk).state == "published"

    # The official of another city reads them.
    binh = phone_session(browser, live_server, "binh")
    binh.goto(f"/forums/minutes/{minutes.pk}/")
    assert "36 hộ" in binh.locator("article").inner_text()
    assert fits(binh)

    # The public sees only the public minutes.
    visitor = phone_session(browser, live_server)
    visitor.goto(f"/forums/{net.forum.pk}/")
    listing = visitor.locator("main").inner_text()
    assert "Kỳ họp công khai" in listing
    assert f"/forums/minutes/{public.pk}/" in visitor.content()
    assert f"/forums/minutes/{minutes.pk}/" not in visitor.content()
    response = visitor.goto(f"/forums/minutes/{minutes.pk}/")
    assert response.status == 404
    visitor.goto(f"/forums/minutes/{public.pk}/")
    assert "Biên bản công khai" in visitor.locator("article").inner_text()
    assert fits(visitor)
