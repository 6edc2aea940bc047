"""Reading a stranger's spreadsheet never fails with anything but a SheetError whose message
says what to do: malformed files, the limits on size, rows and cell length, and property tests
with random bytes, random CSV text and mutated XLSX workbooks."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import sheets
from portal.sheets import SheetError, load_dataset, load_rows
from training.importing import COLUMNS, REQUIRED

HEADER = "Mã lớp,Ngày,Họ và tên,Giới tính,Năm sinh,Điện thoại,Đơn vị,Vai trò,Có mặt\n"


def workbook(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_XLSX = workbook(
    [HEADER.strip().split(","), ["s-1", "01/03/2026", "Lê Thị Hoa", "Nữ", 1980, "", "", "", "x"]]
)


def message(data, name="sheet.csv"):
    with pytest.raises(SheetError) as caught:
        load_rows(data, name)
    return str(caught.value)


def test_an_xlsx_cut_in_half():
    assert "not a readable Excel" in message(GOOD_XLSX[: len(GOOD_XLSX) // 2], "a.xlsx")


def test_an_xlsx_with_invalid_xml():
    source = zipfile.ZipFile(io.BytesIO(GOOD_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2] + b"<not-closed"
            target.writestr(item, data)
    assert "not a readable Excel" in message(out.getvalue(), "a.xlsx")


def test_a_zip_bomb_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/worksheets/sheet1.xml", b"0" * (sheets.MAX_XLSX_UNPACKED_BYTES + 1))
    assert "too large once unpacked" in message(out.getvalue(), "a.xlsx")


def test_a_cell_longer_than_the_csv_module_allows():
    data = (HEADER + "s-1,01/03/2026," + "a" * 140_000 + ",,,,,,x\n").encode()
    text = message(data)
    assert "Row 2" in text and "2,000 characters" in text


def test_a_cell_over_the_limit():
    data = (HEADER + "s-1,01/03/2026," + "a" * 2_001 + ",,,,,,x\n").encode()
    assert "longer than 2,000 characters" in message(data)


def test_a_bare_carriage_return_inside_an_unquoted_cell():
    data = (HEADER + "s-1,01/03/2026,Lê Thị\rHoa,Nữ,1980,,,,x\n").encode()
    rows = load_rows(data, "a.csv")  # read as a line end: no error
    assert rows[1][:3] == ["s-1", "01/03/2026", "Lê Thị"]


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 5)
    data = (HEADER + "s-1,01/03/2026,A,,,,,,x\n" * 6).encode()
    assert "more than 5 rows" in message(data)
    assert "more than 5 rows" in message(workbook([["a"]] * 8), "a.xlsx")


def test_xlsx_cells_read_as_people_typed_them_and_row_numbers_as_excel_shows_them():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"] = "Mã lớp", "Ngày", "Năm sinh", "Điện thoại"
    sheet.append([None, "s-1", datetime.date(2026, 3, 1), 1980, "0912345678"])
    sheet.append([None, "s-1", datetime.datetime(2026, 3, 1, 8, 30), 1980.5, 912345678])
    sheet["B6"] = "x" * (sheets.MAX_CELL_CHARS + 1)
    hidden = book.create_sheet("Ghi chú")
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert "Row 6 has a cell longer" in message(data, "a.xlsx")
    sheet["B6"] = None
    out = io.BytesIO()
    book.save(out)
    rows = load_rows(out.getvalue(), "a.xlsx")
    assert rows == [
        ["Mã lớp", "Ngày", "Năm sinh", "Điện thoại"],
        ["s-1", datetime.date(2026, 3, 1), 1980, "0912345678"],
        ["s-1", datetime.datetime(2026, 3, 1, 8, 30), 1980.5, 912345678],
    ]


def test_too_many_bytes():
    assert "larger than 8 MB" in message(b"a," * (4 * 1024 * 1024 + 1))


def test_too_many_columns():
    assert "more than 60 columns" in message(("x," * 70 + "\n").encode())


def test_our_own_export_escaping_is_undone_on_import():
    rows = load_rows((HEADER + "s-1,01/03/2026,'=1+1,,,'+84 912 345 678,,,x\n").encode(), "a.csv")
    assert rows[1][2] == "=1+1" and rows[1][5] == "+84 912 345 678"


# --- properties -------------------------------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(data, name):
    """The only outcomes allowed: a dataset, or a SheetError with a message."""
    try:
        dataset = load_dataset(data, name, columns=COLUMNS, required=REQUIRED)
    except SheetError as exc:
        assert str(exc).strip()
        return None
    assert set(REQUIRED) <= set(dataset.headers)
    return dataset


@PROPERTY
@given(st.binary(max_size=4096), st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_random_bytes(data, name):
    read(data, name)


_cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@PROPERTY
@given(st.lists(st.lists(_cells, max_size=12), max_size=30), st.sampled_from([",", ";", "\t", "\r", "\r\n"]))
def test_random_csv_text(rows, separator):
    text = HEADER + "\n".join(separator.join(row) for row in rows)
    read(text.encode("utf-8"), "a.csv")
    read(text.encode("utf-16"), "a.csv")


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, len(GOOD_XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=20))
def test_mutated_xlsx(flips):
    data = bytearray(GOOD_XLSX)
    for at, value in flips:
        data[at] = value
    read(bytes(data), "a.xlsx")


def test_xlsx_needing_an_unknown_zip_version():
    """Found by test_mutated_xlsx: zipfile raises NotImplementedError, not BadZipFile, when a
    central directory entry asks for a zip version it does not implement."""
    data = bytearray(GOOD_XLSX)
    entry = data.index(b"PK\x01\x02")
    data[entry + 6] = 64  # "version needed to extract": 6.4
    with pytest.raises(SheetError, match="not a readable Excel"):
        load_rows(bytes(data), "a.xlsx")


@PROPERTY
@given(st.integers(1, len(GOOD_XLSX) - 1))
def test_truncated_xlsx(length):
    read(GOOD_XLSX[:length], "a.xlsx")


_PARTS = [i.filename for i in zipfile.ZipFile(io.BytesIO(GOOD_XLSX)).infolist()]


@PROPERTY
@given(
    st.sampled_from(_PARTS),
    st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=0, max_size=8)),
        min_size=1,
        max_size=8,
    ),
)
def test_xlsx_with_mutated_xml_inside(part, edits):
    """The archive is sound, the XML in one of its parts is damaged: cut, spliced, garbled."""
    source = zipfile.ZipFile(io.BytesIO(GOOD_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = bytearray(source.read(item.filename))
            if item.filename == part:
                for where, junk in edits:
                    at = int(where * len(data))
                    data[at : at + len(junk)] = junk
            target.writestr(item.filename, bytes(data))
    read(out.getvalue(), "a.xlsx")
