import codecs
import datetime
import io
import unicodedata

import openpyxl
import pytest

from portal.models import Person, Role
from tests.factories import PersonFactory, user_with_role
from training.importing import attendance_export, attendance_import, decode_sheet_bytes, parse_date
from training.models import Attendance, AttendanceDay
from training.services import TrainingError

from . import factories

HEADER = "Mã lớp,Ngày,Họ và tên,Giới tính,Năm sinh,Điện thoại,Đơn vị,Vai trò,Có mặt\n"


@pytest.fixture
def setup(db):
    return factories.session_with_trainer(days=2, code="vinh-2014-cdf")


def day(session, i=0):
    return session.days[i].strftime("%d/%m/%Y")


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text):
    """What Excel on a Vietnamese Windows writes: base letters precomposed (ă, ơ, ư, đ...)
    with the five tone marks as separate combining characters."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


def rows_csv(session, *lines):
    return HEADER + "".join(
        line.format(d0=day(session), d1=day(session, 1), code=session.code) + "\n" for line in lines
    )


def counts():
    return (Person.objects.count(), Attendance.objects.count(), AttendanceDay.objects.count())


GOOD = [
    "{code},{d0},Nguyễn Thị Hường,Nữ,1978,0912 345 678,Hội Phụ nữ,Community leader,x",
    "{code},{d1},Nguyễn Thị Hường,Nữ,1978,0912 345 678,Hội Phụ nữ,Community leader,",
    "{code},{d0},Trần Văn Đức,Nam,1965,,UBND phường,,x",
    "{code},{d1},Trần Văn Đức,Nam,1965,,UBND phường,,x",
]


def test_good_csv_preview_writes_nothing_then_confirm_writes(setup):
    session, trainer = setup
    data = rows_csv(session, *GOOD).encode("utf-8")
    before = counts()
    report = attendance_import(session=session, by=trainer, data=data, filename="a.csv", dry_run=True)
    assert report.ok, report.errors
    assert (report.new, report.updated, report.skipped, report.new_people) == (4, 0, 0, 2)
    assert counts() == before
    report = attendance_import(session=session, by=trainer, data=data, filename="a.csv", dry_run=False)
    assert report.committed
    person = Person.objects.get(name="Nguyễn Thị Hường")
    assert person.year_of_birth == 1978 and person.gender == "female"
    attendance = Attendance.objects.get(session=session, person=person)
    assert attendance.role == "community_leader"
    assert [d.present for d in attendance.days.order_by("day")] == [True, False]
    assert AttendanceDay.objects.filter(attendance__session=session, present=True).count() == 3


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf8"),
        pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), id="utf8-bom"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf16-bom"),
        pytest.param(lambda t: t.replace(",", "\t").encode("utf-16-le"), id="utf16le-tabs-no-bom"),
        pytest.param(
            encode_cp1258,
            id="cp1258-decomposed",
        ),
    ],
)
def test_encodings_give_the_same_people(setup, encode):
    session, trainer = setup
    data = encode(rows_csv(session, *GOOD))
    report = attendance_import(session=session, by=trainer, data=data, filename="a.csv", dry_run=False)
    assert report.committed, report.errors
    names = set(Person.objects.values_list("name", flat=True))
    assert {"Nguyễn Thị Hường", "Trần Văn Đức"} <= names


def test_cp1258_text_is_composed_to_nfc():
    data = encode_cp1258("Nguyễn Thị Hường")
    assert len(data) > len("Nguyễn Thị Hường")  # the tones really are separate bytes
    assert decode_sheet_bytes(data) == "Nguyễn Thị Hường"


@pytest.mark.parametrize(
    "case,data,message",
    [
        ("wrong-encoding", "Привет,мир\n1,2\n".encode("koi8-r"), "encoding could not be read"),
        ("binary", b"\x00\x01\x02\xff\xfe\x00garbage", "encoding could not be read"),
        ("missing-columns", "Họ và tên,Giới tính\nA,Nữ\n".encode(), "Missing columns: “Date”, “Present”"),
        ("bad-xlsx", b"PK\x03\x04not really a zip", "not a readable Excel"),
        ("empty", b"", "empty"),
    ],
)
def test_bad_files_say_why_and_write_nothing(setup, case, data, message):
    session, trainer = setup
    before = counts()
    with pytest.raises(TrainingError, match=message):
        attendance_import(session=session, by=trainer, data=data, filename="a.csv", dry_run=False)
    assert counts() == before


@pytest.mark.parametrize(
    "bad_line,message",
    [
        ("{code},31/02/2014,Lê Thị Mai,Nữ,1980,,,,x", "Row 4: Date: “31/02/2014” is not a real date"),
        ("{code},hôm qua,Lê Thị Mai,Nữ,1980,,,,x", "Row 4: Date: “hôm qua” is not a date"),
        ("{code},01/01/2001,Lê Thị Mai,Nữ,1980,,,,x", "Row 4: Date: 01/01/2001 is not a day of this session"),
        ("{code},{d0},Nguyễn Thị Hường,Nữ,1978,0912 345 678,,,x", "Row 4 repeats row 2"),
        ("other-code,{d0},Lê Thị Mai,Nữ,1980,,,,x", "is not this session"),
        ("{code},{d0},Lê Thị Mai,Nữ,1980,,,,maybe", "Row 4: Present"),
        ("{code},{d0},,Nữ,1980,,,,x", "Row 4: Full name: the name is missing"),
        ("{code},{d0},Lê Thị Mai,Nữ,1980,,,Astronaut,x", "is not a known role"),
    ],
)
def test_one_bad_row_writes_nothing(setup, bad_line, message):
    session, trainer = setup
    data = rows_csv(session, GOOD[0], GOOD[2], bad_line, GOOD[3]).encode("utf-8")
    before = counts()
    for dry_run in (True, False):
        report = attendance_import(session=session, by=trainer, data=data, filename="a.csv", dry_run=dry_run)
        assert not report.committed
        assert any(message in e for e in report.errors), report.errors
        assert len(report.errors) == 1
    assert counts() == before


def test_excel_dates_and_serials(setup):
    session, trainer = setup
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Session code",
            "Date",
            "Full name",
            "Gender",
            "Year of birth",
            "Phone",
            "Organisation",
            "Role",
            "Present",
        ]
    )
    d0, d1 = session.days
    serial = (d1 - datetime.date(1899, 12, 30)).days
    sheet.append(
        [
            session.code,
            datetime.datetime.combine(d0, datetime.time()),
            "Phạm Thị Thảo",
            "Female",
            1990,
            "0987654321",
            "",
            "",
            "x",
        ]
    )
    sheet.append([session.code, serial, "Phạm Thị Thảo", "Female", 1990, "0987654321", "", "", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = attendance_import(
        session=session, by=trainer, data=buffer.getvalue(), filename="a.xlsx", dry_run=False
    )
    assert report.committed, report.errors
    person = Person.objects.get(phone_normalized="0987654321")
    assert list(AttendanceDay.objects.filter(attendance__person=person).values_list("day", "present")) == [
        (d0, True),
        (d1, True),
    ]
    assert parse_date("41712") == datetime.date(2014, 3, 14)


def test_existing_people_are_matched_not_doubled(setup):
    session, trainer = setup
    by_phone = PersonFactory(name="Nguyễn Thị Hường", phone="0912345678", city=session.city)
    by_name = PersonFactory(name="Trần Văn Đức", year_of_birth=1965, phone="", city=session.city)
    data = rows_csv(session, *GOOD).encode("utf-8")
    report = attendance_import(session=session, by=trainer, data=data, filename="a.csv", dry_run=False)
    assert report.committed
    assert report.new_people == 0
    assert {(row, m.person.pk, m.reason) for row, m in report.matches} == {
        (2, by_phone.pk, "phone"),
        (4, by_name.pk, "name_year_city"),
    }
    assert Person.objects.count() == 2


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(setup, file_format):
    session, trainer = setup
    attendance_import(
        session=session, by=trainer, data=rows_csv(session, *GOOD).encode(), filename="a.csv", dry_run=False
    )
    before = counts()
    data = attendance_export(session=session, by=trainer, file_format=file_format)
    report = attendance_import(
        session=session, by=trainer, data=data, filename=f"x.{file_format}", dry_run=False
    )
    assert report.ok, report.errors
    assert (report.new, report.updated, report.skipped) == (0, 0, 4)
    assert counts() == before


def test_template_lists_the_roster_for_every_day(setup):
    session, trainer = setup
    factories.roster(session, 3, by=trainer)
    data = attendance_export(session=session, by=trainer, file_format="csv", template=True)
    text = data.decode("utf-8-sig")
    assert text.count("\n") == 1 + 3 * 2
    report = attendance_import(session=session, by=trainer, data=data, filename="t.csv", dry_run=True)
    assert report.ok and report.new_people == 0


def test_a_change_is_an_update(setup):
    session, trainer = setup
    attendance_import(
        session=session, by=trainer, data=rows_csv(session, *GOOD).encode(), filename="a.csv", dry_run=False
    )
    changed = [GOOD[0], GOOD[1].removesuffix(",") + ",x", GOOD[2], GOOD[3]]
    report = attendance_import(
        session=session,
        by=trainer,
        data=rows_csv(session, *changed).encode(),
        filename="a.csv",
        dry_run=False,
    )
    assert (report.new, report.updated, report.skipped) == (0, 1, 3)


def test_only_the_sessions_trainers_and_staff_may_import(setup):
    session, trainer = setup
    data = rows_csv(session, *GOOD).encode()
    for user in (
        user_with_role(Role.TRAINER, session.city),
        user_with_role(Role.CDF_SECRETARY, session.city),
    ):
        with pytest.raises(TrainingError):
            attendance_import(session=session, by=user, data=data, filename="a.csv", dry_run=True)
    staff = user_with_role(Role.PROGRAMME_STAFF)
    assert attendance_import(session=session, by=staff, data=data, filename="a.csv", dry_run=True).ok


def test_a_database_error_while_writing_stops_the_import_and_writes_nothing(setup, monkeypatch):
    """Rows are checked one by one, then written in bulk (people, roster, days): a database
    error in the last write rolls back the ones before it."""
    from django.db import IntegrityError

    session, trainer = setup

    def failing_bulk_create(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(AttendanceDay.objects, "bulk_create", failing_bulk_create)
    before = counts()
    with pytest.raises(TrainingError, match="could not be saved .*duplicate key.*nothing was imported"):
        attendance_import(
            session=session,
            by=trainer,
            data=rows_csv(session, *GOOD).encode(),
            filename="a.csv",
            dry_run=False,
        )
    assert counts() == before
