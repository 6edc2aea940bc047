"""Spreadsheets the portal hands out (proposal and attendance exports, templates, statistics,
the Wagtail admin's list exports), written so that whatever somebody typed into a record
arrives in Excel or LibreOffice as text, never as a live formula.

- CSV: a text cell that a spreadsheet would read as a formula (starting with = + - @, a tab
  or a carriage return) gets a leading apostrophe, as OWASP's CSV-injection advice says.
- XLSX: every text cell is written as a string cell, so "=HYPERLINK(...)" shows as that text;
  characters XML cannot hold become U+FFFD instead of failing the export.
Numbers, dates and booleans keep their types.

django-import-export's own `IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT` only removes a leading
"=" (changing the text and leaving "+1+1", "-1+1" and "@SUM(...)" live), and tablib's
`export()` skips it altogether, hence this one helper for every export.
"""

import codecs
import csv
import datetime
import io
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters XML 1.0 (and so XLSX) cannot hold: C0 controls except tab, newline, return.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_cell(value):
    """A value made safe for a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, bool | int | float | datetime.date | datetime.time):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    return _ILLEGAL_XML.sub("\ufffd", str(value))


def xlsx_bytes(headers, rows, *, title="Sheet1") -> bytes:
    """An XLSX workbook of one sheet; text is always a string cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def cells(values):
        for value in values:
            cell = WriteOnlyCell(sheet, _xlsx_value(value))
            if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
                cell.data_type = "s"
            yield cell

    if headers:
        sheet.append(list(cells(headers)))
    for row in rows:
        sheet.append(list(cells(row)))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(headers, rows) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel on Windows shows the diacritics), cells made safe."""
    output = io.StringIO()
    writer = csv.writer(output)
    if headers:
        writer.writerow([csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return codecs.BOM_UTF8 + output.getvalue().encode("utf-8")


def dataset_bytes(dataset, file_format) -> bytes:
    """A tablib Dataset (e.g. a django-import-export resource's `export()`) as safe CSV or XLSX."""
    headers = list(dataset.headers or [])
    rows = [list(row) for row in dataset]
    if file_format == "csv":
        return csv_bytes(headers, rows)
    if file_format == "xlsx":
        return xlsx_bytes(headers, rows)
    raise ValueError(f"unknown export format {file_format!r}")


class SafeSpreadsheetExportMixin:
    """For Wagtail admin index views (SpreadsheetExportMixin): CSV cells made safe too (Wagtail
    already writes XLSX text as string cells)."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
