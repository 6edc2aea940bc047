"""The historic import: a sheet of meetings and a ZIP of documents. Idempotent; a bad row and
a missing file are reported; nothing is half written; the attendance import's encodings."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from forums import samples, services
from forums.importing import historic_import
from forums.models import Forum, Meeting, Minutes, MinutesAttachment
from tests.training.test_import import encode_cp1258

HEADER = "Diễn đàn,Cuộc họp,Ngày,Địa điểm,Thành phố đăng cai,Ngôn ngữ,Tệp,Công khai,Nữ,Nam\n"
ROWS = [
    "Diễn đàn cộng đồng Vinh,Kỳ họp tháng 3/2012,12/03/2012,Hưng Bình,Vinh,vi,bien-ban-2012.docx,x,20,10",
    "Diễn đàn cộng đồng Vinh,Kỳ họp tháng 3/2012,12/03/2012,Hưng Bình,Vinh,en,minutes-2012.pdf,,20,10",
    "Dien dan cong dong vinh,Kỳ họp tháng 9/2012,20/09/2012,Lê Lợi,vinh,tiếng việt,scan-2012.pdf,,12,8",
    "Diễn đàn cộng đồng Vinh,Kỳ họp hỏng,31/02/2012,Hưng Bình,Vinh,vi,bien-ban-2012.docx,,1,1",
    "Diễn đàn cộng đồng Vinh,Kỳ họp thiếu tệp,01/10/2012,Hưng Bình,Vinh,vi,khong-co.pdf,,1,1",
    "Diễn đàn cộng đồng Vinh,Kỳ họp tệp hỏng,02/10/2012,Hưng Bình,Vinh,vi,hong.pdf,,1,1",
    "Diễn đàn cộng đồng Vinh,Kỳ họp html,03/10/2012,Hưng Bình,Vinh,vi,ghi-chep.html,,1,1",
]


def documents():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("2012/bien-ban-2012.docx", samples.docx(["Biên bản kỳ họp tháng 3", "Kiến nghị Bộ"]))
        archive.writestr("minutes-2012.pdf", samples.text_pdf(["Minutes of the March 2012 forum"]))
        archive.writestr("SCAN-2012.PDF", samples.scanned_pdf())
        archive.writestr("hong.pdf", b"%PDF-1.4\n" + b"\x00broken" * 40)
        archive.writestr("ghi-chep.html", "<p>Ghi chép<script>alert(1)</script></p>".encode())
    return out.getvalue()


def sheet(encoding="utf-8-sig", rows=ROWS):
    text = HEADER + "\n".join(rows) + "\n"
    return encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def snapshot():
    return (
        Meeting.objects.count(),
        Minutes.objects.count(),
        MinutesAttachment.objects.count(),
        sorted(Minutes.objects.values_list("meeting__title", "language", "state", "is_public")),
    )


def test_import_reports_each_row_and_is_idempotent(net):
    report = historic_import(sheet_bytes=sheet(), sheet_name="m.csv", zip_bytes=documents(), by=net.staff)
    assert report.error == ""
    statuses = {(r.line, r.status) for r in report.rows}
    assert statuses == {(2, "imported"), (3, "imported"), (4, "imported"), (5, "failed"), (6, "failed"),
                        (7, "failed"), (8, "imported")}  # fmt: skip
    messages = {r.line: r.message for r in report.rows}
    assert "not a real date" in messages[5]
    assert "khong-co.pdf" in messages[6] and "not in the ZIP" in messages[6]
    assert "damaged" in messages[7]
    # nothing half written: the failed rows left no meeting behind
    titles = set(Meeting.objects.values_list("title", flat=True))
    assert not titles & {"Kỳ họp hỏng", "Kỳ họp thiếu tệp", "Kỳ họp tệp hỏng"}
    march = Meeting.objects.get(title="Kỳ họp tháng 3/2012")
    assert {m.language for m in march.minutes.all()} == {"vi", "en"}
    assert march.participants_female == 20 and march.host_city == net.city
    vi = march.minutes.get(language="vi")
    assert vi.state == "published" and vi.is_public and "Kiến nghị Bộ" in vi.body
    assert vi.attachments.get().text_status == "extracted"
    scan = Minutes.objects.get(meeting__title="Kỳ họp tháng 9/2012")
    assert scan.attachments.get().text_status == "no_text" and "scanned" in scan.body
    html = Minutes.objects.get(meeting__title="Kỳ họp html")
    assert "<script" not in html.body and "Ghi chép" in html.body
    before = snapshot()
    again = historic_import(sheet_bytes=sheet(), sheet_name="m.csv", zip_bytes=documents(), by=net.staff)
    assert snapshot() == before
    assert [r.status for r in again.rows].count("unchanged") == 4
    assert [r.status for r in again.rows].count("imported") == 0


def test_windows_1258_and_utf16_sheets(net):
    rows = [ROWS[0]]
    for encoding in ("cp1258", "utf-16"):
        report = historic_import(
            sheet_bytes=sheet(encoding, rows), sheet_name="m.csv", zip_bytes=documents(), by=net.staff
        )
        assert report.error == "" and report.rows[0].status in {"imported", "unchanged"}, report.rows
    assert Meeting.objects.filter(title="Kỳ họp tháng 3/2012").count() == 1


def test_a_sheet_without_required_columns_or_by_a_non_staff_user_changes_nothing(net):
    before = snapshot()
    report = historic_import(
        sheet_bytes=b"Foo,Bar\n1,2\n", sheet_name="m.csv", zip_bytes=documents(), by=net.staff
    )
    assert "Missing columns" in report.error
    denied = historic_import(sheet_bytes=sheet(), sheet_name="m.csv", zip_bytes=documents(), by=net.official)
    assert denied.error and not denied.rows
    broken_zip = historic_import(
        sheet_bytes=sheet(), sheet_name="m.csv", zip_bytes=b"PK no zip", by=net.staff
    )
    assert "ZIP" in broken_zip.error
    assert snapshot() == before


def test_a_failure_after_the_file_is_stored_rolls_the_row_back(net, monkeypatch):
    def boom(**kwargs):
        raise services.ForumError("publishing failed")

    monkeypatch.setattr(services, "minutes_transition", boom)
    report = historic_import(
        sheet_bytes=sheet(rows=[ROWS[0]]), sheet_name="m.csv", zip_bytes=documents(), by=net.staff
    )
    assert report.rows[0].status == "failed" and "publishing failed" in report.rows[0].message
    assert not Meeting.objects.filter(title="Kỳ họp tháng 3/2012").exists()
    assert MinutesAttachment.objects.count() == 0


def test_management_command_with_progress(net, tmp_path, capsys):
    (tmp_path / "m.csv").write_bytes(sheet(rows=ROWS[:3]))
    (tmp_path / "d.zip").write_bytes(documents())
    call_command(
        "import_historic_minutes", str(tmp_path / "m.csv"), zip_path=str(tmp_path / "d.zip"), user="anh"
    )
    out = capsys.readouterr()
    assert "imported 3, already there 0, failed 0" in out.out
    assert "3/3" in out.err and "#" in out.err
    (tmp_path / "bad.csv").write_bytes(sheet(rows=ROWS[3:4]))
    with pytest.raises(CommandError, match="1 row"):
        call_command(
            "import_historic_minutes", str(tmp_path / "bad.csv"), zip_path=str(tmp_path / "d.zip"), user="anh"
        )


def test_admin_import_page(net, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.services import programme_staff_group_sync

    net.staff.is_staff = True
    net.staff.save()
    net.staff.groups.add(programme_staff_group_sync())
    client.force_login(net.staff)
    assert client.get("/admin/forums/import/").status_code == 200
    response = client.post(
        "/admin/forums/import/",
        {
            "meetings": SimpleUploadedFile("m.csv", sheet(rows=ROWS[:1] + ROWS[4:5])),
            "documents": SimpleUploadedFile("d.zip", documents()),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "khong-co.pdf" in page
    assert Meeting.objects.filter(title="Kỳ họp tháng 3/2012").exists()
    client.force_login(net.official)
    assert client.get("/admin/forums/import/").status_code in (302, 403)
    assert Forum.objects.count() == 1
