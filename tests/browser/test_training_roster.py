"""A trainer on a phone: opens a session, taps attendance, adds a walk-in, imports a sheet
with one bad row, fixes it and imports again."""

from portal.models import Person, Role
from tests.browser.conftest import log_in
from tests.factories import CityFactory, user_with_role
from tests.training import factories
from training.models import Attendance, AttendanceDay


def _sheet(session, bad_date):
    d0 = session.days[0].strftime("%d/%m/%Y")
    rows = [
        "Mã lớp,Ngày,Họ và tên,Giới tính,Năm sinh,Điện thoại,Đơn vị,Vai trò,Có mặt",
        f"{session.code},{d0},Phan Thị Nga,Nữ,1975,0934 111 222,Hội Phụ nữ,,x",
        f"{session.code},{bad_date},Bùi Văn Tư,Nam,1969,,UBND phường,,x",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8-sig")


def test_trainer_takes_attendance_on_a_phone(phone, transactional_db):
    city = CityFactory(name="Vinh")
    trainer = user_with_role(Role.TRAINER, city, username="thuha")
    session = factories.session(city=city, days=2, trainers=[trainer], code="vinh-cdf")
    people = factories.roster(session, 3, by=trainer)
    first = people[0]
    AttendanceDay.objects.filter(attendance=first).update(present=False)

    log_in(phone, "thuha")
    phone.goto("/training/")
    phone.click(f"a[href='/training/sessions/{session.pk}/']")
    phone.wait_for_url(f"**/training/sessions/{session.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # one tap: present, in place (JavaScript), and stored
    day = session.days[-1]
    phone.goto(f"/training/sessions/{session.pk}/?day={day.isoformat()}")
    button = phone.locator(f"#a{first.pk} button.tap")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    phone.wait_for_function(
        f"document.querySelector('#a{first.pk} button.tap').getAttribute('aria-pressed') === 'true'"
    )
    assert AttendanceDay.objects.get(attendance=first, day=day).present
    assert phone.locator("[data-present-count]").inner_text() == "1"

    # a walk-in whose phone is already in the registry is reused, not doubled
    known = Person.objects.create(name="Đặng Thị Đào", phone="0977 888 999", city=city)
    phone.fill("input[name=name]", "Dang Thi Dao")
    phone.select_option("select[name=gender]", "female")
    phone.fill("input[name=phone]", "0977888999")
    phone.click("#walk-in button[type=submit]")
    phone.wait_for_load_state()
    assert "Đặng Thị Đào" in phone.locator(".messages").inner_text()
    assert Attendance.objects.filter(session=session, person=known, walk_in=True).exists()
    assert Person.objects.filter(phone_normalized="0977888999").count() == 1

    # import a sheet with one bad row: told which row, nothing written
    before = Attendance.objects.filter(session=session).count()
    phone.click(f"a[href='/training/sessions/{session.pk}/import/']")
    phone.set_input_files(
        "input[name=file]",
        files=[{"name": "diem-danh.csv", "mimeType": "text/csv", "buffer": _sheet(session, "31/02/2014")}],
    )
    phone.click("main form button[type=submit]")
    phone.wait_for_selector(".row-errors")
    assert "3" in phone.locator(".row-errors li").first.inner_text()
    assert phone.locator("input[name=token]").count() == 0
    assert Attendance.objects.filter(session=session).count() == before

    # fix the date, preview, confirm
    good = _sheet(session, session.days[0].strftime("%d/%m/%Y"))
    phone.set_input_files(
        "input[name=file]", files=[{"name": "diem-danh.csv", "mimeType": "text/csv", "buffer": good}]
    )
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("input[name=token]", state="attached")
    phone.click("#preview button.primary")
    phone.wait_for_url(f"**/training/sessions/{session.pk}/")
    assert Attendance.objects.filter(session=session).count() == before + 2
    assert "Bùi Văn Tư" in phone.locator("table.roster").inner_text()
