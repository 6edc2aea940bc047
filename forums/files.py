"""Checking attached files and extracting their text for search, with well-kept libraries:
`pypdf` for PDF, `python-docx` for DOCX, `openpyxl` for XLSX. No hand-written parsing.

`read_upload(name, data)` checks the extension, the real content (magic bytes) and the size,
then extracts the text. A PDF without a text layer (a scan) is fine: its status is "no text".
A malformed, encrypted, oversized or mislabelled file raises `AttachmentError` with a message
for the person who uploaded it, before anything is stored.
"""

import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# An office file is a ZIP: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
# Text kept for search per file.
MAX_TEXT_CHARS = 500_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# extension -> (content type stored, content types its bytes may really be)
TYPES = {
    "pdf": (PDF, {PDF}),
    "docx": (DOCX, {DOCX, "application/zip"}),
    "xlsx": (XLSX, {XLSX, "application/zip"}),
    "jpg": ("image/jpeg", {"image/jpeg"}),
    "jpeg": ("image/jpeg", {"image/jpeg"}),
    "png": ("image/png", {"image/png"}),
}
ACCEPTED = sorted(TYPES)


class AttachmentError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message

    def __str__(self):
        return str(self.message)


@dataclass
class ReadFile:
    content_type: str
    text: str
    has_text: bool  # False for a scanned PDF (and for photos, which have no text to look for)
    is_text_document: bool


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def _clean_text(text):
    text = unicodedata.normalize("NFC", text or "").replace("\x00", "")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)[:MAX_TEXT_CHARS]


def _check_zip(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise AttachmentError(
                    _("The file unpacks to more than %(mb)s MB.") % {"mb": MAX_UNPACKED_BYTES >> 20}
                )
    except zipfile.BadZipFile as exc:
        raise AttachmentError(_("The file is damaged and cannot be opened.")) from exc


def pdf_text(data) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentError(_("The PDF is password-protected; attach a copy without a password."))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except AttachmentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        logger.info("unreadable PDF: %s", exc)
        raise AttachmentError(_("The PDF is damaged and cannot be read.")) from exc


def docx_text(data) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise AttachmentError(_("The Word file is damaged and cannot be read.")) from exc
    except Exception as exc:  # lxml's XMLSyntaxError and friends: a broken document
        logger.info("unreadable DOCX: %s", exc)
        raise AttachmentError(_("The Word file is damaged and cannot be read.")) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def xlsx_text(data) -> str:
    import openpyxl

    _check_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        logger.info("unreadable XLSX: %s", exc)
        raise AttachmentError(_("The Excel file is damaged and cannot be read.")) from exc
    lines = []
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [str(c) for c in row if c not in (None, "")]
                if cells:
                    lines.append(" ".join(cells))
    finally:
        workbook.close()
    return "\n".join(lines)


EXTRACTORS = {PDF: pdf_text, DOCX: docx_text, XLSX: xlsx_text}


def read_upload(name, data: bytes) -> ReadFile:
    """Check a file and extract its text. Raises AttachmentError."""
    extension = extension_of(name)
    if extension not in TYPES:
        raise AttachmentError(
            _("A file of this type is not accepted. Accepted: %(types)s.") % {"types": ", ".join(ACCEPTED)}
        )
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_ATTACHMENT_BYTES >> 20}
        )
    if not data:
        raise AttachmentError(_("The file is empty."))
    content_type, allowed = TYPES[extension]
    guessed = filetype.guess(data[:8192])
    if (guessed.mime if guessed else None) not in allowed:
        raise AttachmentError(
            _("The file's content does not match its name (.%(ext)s).") % {"ext": extension}
        )
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        return ReadFile(content_type=content_type, text="", has_text=False, is_text_document=False)
    text = _clean_text(extractor(data))
    return ReadFile(content_type=content_type, text=text, has_text=bool(text.strip()), is_text_document=True)
