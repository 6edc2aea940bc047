"""Reading spreadsheets people make by hand (CSV in the encodings Vietnamese offices use, or
XLSX), shared by every import (training attendance, exchange participants, forum minutes).

- `decode_sheet_bytes`: UTF-8 (with or without BOM), UTF-16, Windows-1258; NFC.
- `load_rows` / `load_dataset`: a file to rows, then to a tablib Dataset whose headers are the
  importer's column keys (headers matched accent- and case-insensitively, in English or
  Vietnamese, plus aliases); missing required columns are named.
- `cell_text`, `parse_date`, `parse_gender`, `parse_present`, `parse_year`, `parse_role`: cell
  values as people type them.
Every problem with the file as a whole is a `SheetError` whose message says what to do.
"""

import codecs
import csv
import datetime
import io
import logging
import re
import unicodedata
import zipfile

import tablib
from django.utils import translation
from django.utils.translation import gettext as _

from .exports import FORMULA_PREFIXES
from .models import Person
from .text import fold

# Limits, each with its own message. The biggest real sheet (a 170-person session over five
# days) is under 1,000 rows and 100 KB; the benchmark imports 10,000 rows.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 2_000

logger = logging.getLogger(__name__)


class SheetError(Exception):
    """The file as a whole cannot be read (size, encoding, format, columns)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message

    def __str__(self):
        return str(self.message)


def _english(lazy):
    with translation.override("en"):
        return str(lazy)


def header_key(header, columns, aliases=None):
    """The column key a header names: `columns` is {key: (English label, Vietnamese label)}."""
    folded = re.sub(r"[^a-z0-9 ]", " ", fold(str(header or ""))).strip()
    folded = " ".join(folded.split())
    for key, (en, vi) in columns.items():
        if folded in {key.replace("_", " "), fold(str(en)), fold(vi)}:
            return key
        # an English header compared in English, whatever the active language
        if folded == fold(_english(en)):
            return key
    return (aliases or {}).get(folded)


# --- bytes to text ------------------------------------------------------------------------

# Every letter Vietnamese writes with a diacritic, precomposed (NFC), both cases.
_VI_BASE = "aăâeêioôơuưy"
_VI_TONES = "\u0300\u0301\u0303\u0309\u0323"
VIETNAMESE_LETTERS = {"đ", "Đ"} | {
    unicodedata.normalize("NFC", base + tone)
    for base in _VI_BASE + _VI_BASE.upper()
    for tone in ("",) + tuple(_VI_TONES)
}
_PUNCTUATION = set("\u00a0–—‘’“”…·°€×")


def _is_vietnamese_text(text):
    """Every non-ASCII character is a Vietnamese letter or common punctuation."""
    return all(ch.isascii() or ch in VIETNAMESE_LETTERS or ch in _PUNCTUATION for ch in text)


def decode_sheet_bytes(data: bytes) -> str:
    """Text of a CSV file in UTF-8 (with or without BOM), UTF-16 (BOM, or BOM-less as Excel's
    "Unicode text" sometimes is) or Windows-1258, normalised to NFC. Raises SheetError."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        candidates = ["utf-16-le"]
    elif len(data) >= 4 and data[0:4:2] == b"\x00\x00" and data[1:4:2] != b"\x00\x00":
        candidates = ["utf-16-be"]
    else:
        candidates = ["utf-8", "cp1258"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # CP1258 writes tones as combining marks: compose them so "Nguyễn" matches "Nguyễn".
        text = unicodedata.normalize("NFC", text)
        if "\x00" in text:
            continue
        if encoding == "cp1258" and not _is_vietnamese_text(text):
            continue
        return text
    raise SheetError(
        _(
            "The file's text encoding could not be read. Save the sheet as “CSV UTF-8” "
            "(or Excel .xlsx) and upload it again."
        )
    )


def _sniff_delimiter(text):
    first = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=first.count)


def _too_many_rows():
    return SheetError(
        _("The sheet has more than %(rows)s rows; split it into smaller sheets.") % {"rows": f"{MAX_ROWS:,}"}
    )


def _csv_rows(text):
    # A bare carriage return (old Mac line ends, or one typed inside a cell) is a line end.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(text), strict=False)
    try:
        yield from reader
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(reader.line_num) from exc
        raise SheetError(
            _("The CSV file could not be read near line %(line)s; save it again as “CSV UTF-8”.")
            % {"line": reader.line_num}
        ) from exc


def _check_zip(data):
    """A workbook is a zip archive: refuse one that is not, or that unpacks to far more than
    any attendance sheet (a “zip bomb”), before a parser opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # noqa: BLE001 - zipfile on a stranger's bytes
        # BadZipFile, but also NotImplementedError (a "version needed" byte it does not know),
        # RuntimeError, struct and zlib errors: all mean the file is no workbook.
        raise SheetError(_("The file is not a readable Excel .xlsx workbook.")) from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise SheetError(
            _("The workbook is too large once unpacked (more than %(mb)s MB); split it into smaller sheets.")
            % {"mb": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _xlsx_rows(data):
    """The rows of the workbook's first visible worksheet, through python-calamine (Rust):
    four times faster than openpyxl's read-only mode, which cost an XLSX attendance import a
    third of its time. Cells read as openpyxl gave them: whole numbers as int, empty as None,
    date cells as date or datetime, formulas as their cached values."""
    _check_zip(data)
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            sheets = [
                m.name
                for m in workbook.sheets_metadata
                if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
            ]
            sheet = workbook.get_sheet_by_name((sheets or workbook.sheet_names)[0])
            # rows from the first, blank ones included, so row numbers in messages are Excel's
            for n, row in enumerate(sheet.iter_rows()):
                if n > MAX_ROWS:
                    raise _too_many_rows()
                yield [_xlsx_cell(c) for c in row]
        finally:
            workbook.close()
    except SheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - a third-party parser on a stranger's file
        # a damaged workbook fails in many ways (zip, XML, shared strings, types); each means
        # the same thing to the person who uploaded it.
        logger.info("unreadable workbook: %r", exc)
        raise SheetError(_("The file is not a readable Excel .xlsx workbook.")) from exc


def _xlsx_cell(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _cell_too_long(row):
    return SheetError(
        _("Row %(row)s has a cell longer than %(chars)s characters; is this the right file?")
        % {"row": row, "chars": f"{MAX_CELL_CHARS:,}"}
    )


def _unescape(value):
    """Undo the apostrophe our own exports put before a formula-like text (portal.exports)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def load_rows(data: bytes, filename: str) -> list[list]:
    """The non-empty rows of a CSV or XLSX file, header row first. Raises SheetError, and
    nothing else, whatever the bytes: limits on size (MAX_UPLOAD_BYTES), rows (MAX_ROWS),
    columns (MAX_COLUMNS) and cell length (MAX_CELL_CHARS) each have their message."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise SheetError(
            _("The file is larger than %(mb)s MB; split it into smaller sheets.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise SheetError(_("The file is empty."))
    is_xlsx = data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    source = _xlsx_rows(data) if is_xlsx else _csv_rows(decode_sheet_bytes(data))
    rows = []
    for number, row in enumerate(source, start=1):
        if len(row) > MAX_COLUMNS:
            if any(_filled(c) for c in row[MAX_COLUMNS:]):
                raise SheetError(
                    _("Row %(row)s has more than %(columns)s columns; is this the right file?")
                    % {"row": number, "columns": MAX_COLUMNS}
                )
            row = row[:MAX_COLUMNS]  # empty trailing columns (Excel's "used range")
        if not any(_filled(c) for c in row):
            continue
        if any(isinstance(c, str) and len(c) > MAX_CELL_CHARS for c in row):
            raise _cell_too_long(number)
        rows.append([_unescape(c) for c in row])
        if len(rows) > MAX_ROWS + 1:  # the header and MAX_ROWS rows
            raise _too_many_rows()
    if not rows:
        raise SheetError(_("The file is empty."))
    return rows


def _filled(cell):
    return cell is not None and str(cell).strip() != ""


def load_dataset(data: bytes, filename: str, *, columns, required=(), aliases=None) -> tablib.Dataset:
    """A tablib Dataset with the importer's column keys as headers (unknown columns kept as
    `_ignored_<n>`). Raises SheetError, naming missing required columns."""
    rows = load_rows(data, filename)
    headers = rows[0]
    keys = [header_key(h, columns, aliases) for h in headers]
    missing = [k for k in required if k not in keys]
    if missing:
        names = ", ".join(f"“{columns[k][0]}”" for k in missing)
        raise SheetError(
            _("Missing columns: %(names)s. Download the template to see the expected columns.")
            % {"names": names}
        )
    dataset = tablib.Dataset(headers=[k or f"_ignored_{i}" for i, k in enumerate(keys)])
    width = len(headers)
    for row in rows[1:]:
        row = (list(row) + [""] * width)[:width]
        dataset.append(["" if c is None else c for c in row])
    return dataset


# --- cell values --------------------------------------------------------------------------

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_TRUE = {"x", "1", "yes", "y", "true", "co", "co mat", "present", "v", "✓", "✔"}
_FALSE = {"", "0", "no", "n", "false", "khong", "vang", "absent", "-"}


def parse_date(value):
    """dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd, an Excel date cell or an Excel
    serial day number. Raises ValueError with a message a trainer understands."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        serial = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("the date is missing"))
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text)
        try:
            if match:
                d, m, y = (int(g) for g in match.groups())
                return datetime.date(y, m, d)
            if iso:
                y, m, d = (int(g) for g in iso.groups())
                return datetime.date(y, m, d)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a real date (write dd/mm/yyyy)") % {"value": text}
            ) from None
        if not re.fullmatch(r"\d{4,5}(\.\d+)?", text):
            raise ValueError(_("“%(value)s” is not a date (write dd/mm/yyyy)") % {"value": text})
        serial = float(text)
    if not 20000 <= serial <= 80000:  # 1954 .. 2119
        raise ValueError(_("“%(value)s” is not a date (write dd/mm/yyyy)") % {"value": value})
    return _EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def parse_present(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    text = fold(str(value or "")).strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(
        _("“%(value)s” in “Present”: write x for present, leave empty for absent") % {"value": value}
    )


_GENDERS = {
    "female": Person.Gender.FEMALE,
    "f": Person.Gender.FEMALE,
    "nu": Person.Gender.FEMALE,
    "male": Person.Gender.MALE,
    "m": Person.Gender.MALE,
    "nam": Person.Gender.MALE,
    "other": Person.Gender.OTHER,
    "khac": Person.Gender.OTHER,
    "": "",
}


def _gender_table():
    language = translation.get_language() or ""
    table = _GENDER_TABLES.get(language)
    if table is None:
        table = dict(_GENDERS)
        for code, label in Person.Gender.choices:
            table.setdefault(fold(str(label)), code)
        _GENDER_TABLES[language] = table
    return table


_GENDER_TABLES = {}


def parse_gender(value):
    text = fold(str(value or ""))
    table = _gender_table()  # once per language, not per cell
    if text in table:
        return table[text]
    raise ValueError(_("“%(value)s” in “Gender”: write Nữ, Nam or Khác") % {"value": value})


def cell_text(value):
    """A cell as trimmed NFC text ("1975.0" from Excel back to "1975")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_year(value):
    if value in (None, ""):
        return None
    try:
        year = int(float(str(value).strip()))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a year of birth") % {"value": value}) from None
    if not 1900 <= year <= datetime.date.today().year:
        raise ValueError(_("“%(value)s” is not a year of birth") % {"value": value})
    return year


def _role_lookup():
    table = {}
    for code, label in Person.NetworkRole.choices:
        table[fold(code.replace("_", " "))] = code
        for language in ("en", "vi"):
            with translation.override(language):
                table[fold(str(label))] = code
    return table


def parse_role(value):
    """A role in the network (Person.NetworkRole) written in English or Vietnamese; "" if empty."""
    text = fold(str(value or ""))
    if not text:
        return ""
    table = _role_lookup()
    if text in table:
        return table[text]
    raise ValueError(_("“%(value)s” is not a known role") % {"value": value})
