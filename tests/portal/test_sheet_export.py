import io

import pytest
import tablib

from portal.sheets import escape_formula, export_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-5", "-5"),  # a plain number stays a number
        ("-SUM(A1)", "'-SUM(A1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("+84 905 111 222", "+84 905 111 222"),
        ("Nguyễn Thị Lan", "Nguyễn Thị Lan"),
        (1975, 1975),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


def test_export_escapes_every_cell_in_csv_and_xlsx():
    dataset = tablib.Dataset(headers=["Họ và tên", "=x"])
    dataset.append(['=HYPERLINK("http://evil")', "Lan"])
    csv = export_bytes(dataset, "csv")
    assert csv.startswith(b"\xef\xbb\xbf") and b"'=HYPERLINK" in csv and b"'=x" in csv
    back = tablib.Dataset().load(io.BytesIO(export_bytes(dataset, "xlsx")), format="xlsx")
    assert back[0][0] == '\'=HYPERLINK("http://evil")'
