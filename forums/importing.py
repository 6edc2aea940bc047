"""Bulk import of historic minutes: a sheet of meetings (CSV in the encodings offices use, or
XLSX, read by `portal.sheets` like the attendance import) and a ZIP of the minutes documents.

One row is one minutes document of one meeting. Each row is imported whole or not at all (its
own transaction: meeting, minutes, attachment, publication), through the same services as the
site. Importing the same files again changes nothing: a meeting is known by forum, date and
title, minutes by meeting and language. The report says, row by row, what was imported, what
was already there and what failed, and why.
"""

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal.models import City, Role
from portal.permissions import user_has_role
from portal.sheets import SheetError, decode_sheet_bytes, load_dataset, parse_date
from portal.text import fold
from workflows.notifications import muted

from . import services
from .files import AttachmentError, extension_of, read_upload
from .models import MINUTES_WORKFLOW, Forum, Meeting, MinutesAttachment, Publication
from .richtext import clean_html, text_to_html

logger = logging.getLogger(__name__)

MAX_ZIP_BYTES = 200 * 1024 * 1024
MAX_FILES = 2000

# key: (English header, Vietnamese header)
COLUMNS = {
    "forum": (_lazy("Forum"), "Diễn đàn"),
    "title": (_lazy("Meeting"), "Cuộc họp"),
    "date": (_lazy("Date"), "Ngày"),
    "venue": (_lazy("Venue"), "Địa điểm"),
    "host_city": (_lazy("Host city"), "Thành phố đăng cai"),
    "cities": (_lazy("Participating cities"), "Các thành phố tham gia"),
    "language": (_lazy("Language"), "Ngôn ngữ"),
    "file": (_lazy("File"), "Tệp"),
    "public": (_lazy("Public"), "Công khai"),
    "women": (_lazy("Women"), "Nữ"),
    "men": (_lazy("Men"), "Nam"),
}
REQUIRED = ("forum", "title", "date", "file")
ALIASES = {"meeting title": "title", "tieu de": "title", "ten cuoc hop": "title", "thanh pho": "host_city"}
LANGUAGES = {
    "": "vi",
    "vi": "vi",
    "tieng viet": "vi",
    "vietnamese": "vi",
    "en": "en",
    "english": "en",
    "tieng anh": "en",
}
YES = {"x", "1", "yes", "y", "co", "true"}
NO = {"", "0", "no", "n", "khong", "false"}
# the body of minutes that exist only as a scan
SCANNED_NOTE = _lazy("The minutes of this meeting exist only as a scanned document: see the attached file.")


class ImportError_(Exception):
    """One row cannot be imported; the message says why."""


@dataclass
class RowResult:
    line: int
    status: str  # imported, unchanged, failed
    meeting: str
    message: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    error: str = ""  # the files as a whole could not be read

    def count(self, status):
        return sum(1 for r in self.rows if r.status == status)

    @property
    def imported(self):
        return self.count("imported")

    @property
    def unchanged(self):
        return self.count("unchanged")

    @property
    def failed(self):
        return self.count("failed")


def _zip_members(zip_bytes):
    if not zip_bytes:
        return None, {}
    if len(zip_bytes) > MAX_ZIP_BYTES:
        raise SheetError(_("The ZIP is larger than %(mb)s MB; split it.") % {"mb": MAX_ZIP_BYTES >> 20})
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as exc:
        raise SheetError(_("The documents file is not a readable ZIP.")) from exc
    if len(infos) > MAX_FILES:
        raise SheetError(_("The ZIP holds more than %(n)s files; split it.") % {"n": MAX_FILES})
    # matched by file name alone, case-insensitively (folders inside the ZIP do not matter)
    return archive, {fold(i.filename.rsplit("/", 1)[-1]): i for i in infos}


def _read_member(archive, info):
    if info.file_size > MAX_ZIP_BYTES:
        raise ImportError_(_("the file is too large"))
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
        raise ImportError_(_("the file cannot be read from the ZIP")) from exc


def body_and_attachment(name, data):
    """(body HTML, the read file to attach or None) for a minutes document."""
    extension = extension_of(name)
    if extension in {"html", "htm"}:
        return clean_html(decode_sheet_bytes(data)), None
    if extension == "txt":
        return text_to_html(decode_sheet_bytes(data)), None
    if extension not in {"pdf", "docx"}:
        raise ImportError_(_("“%(name)s”: minutes must be .docx, .pdf, .html or .txt") % {"name": name})
    try:
        read = read_upload(name, data)
    except AttachmentError as exc:
        raise ImportError_(f"“{name}”: {exc.message}") from exc
    body = text_to_html(read.text) if read.has_text else text_to_html(str(SCANNED_NOTE))
    return body, read


class _Lookups:
    """Forums and cities read once per import, matched by ASCII-folded name."""

    def __init__(self):
        self.forums = {fold(f.name): f for f in Forum.objects.all()}
        self.cities = {}
        for city in City.objects.all():
            self.cities.setdefault(city.name_folded, city)

    def forum(self, value):
        forum = self.forums.get(fold(value))
        if forum is None:
            raise ImportError_(_("unknown forum “%(name)s” (create it first)") % {"name": value})
        return forum

    def city(self, value):
        city = self.cities.get(fold(value))
        if city is None:
            raise ImportError_(_("unknown city “%(name)s”") % {"name": value})
        return city


def _count(row, key):
    text = str(row.get(key) or "").strip()
    if not text:
        return 0
    try:
        value = int(float(text))
    except ValueError:
        raise ImportError_(_("“%(value)s” is not a number") % {"value": text}) from None
    if value < 0:
        raise ImportError_(_("“%(value)s” is not a number") % {"value": text})
    return value


def _parse(row, lookups):
    title = str(row.get("title") or "").strip()
    if not title:
        raise ImportError_(_("the meeting has no title"))
    try:
        date = parse_date(row.get("date"))
    except ValueError as exc:
        raise ImportError_(str(exc)) from None
    language = LANGUAGES.get(fold(str(row.get("language") or "")))
    if language is None:
        raise ImportError_(_("language “%(value)s”: write vi or en") % {"value": row.get("language")})
    public = fold(str(row.get("public") or ""))
    if public not in YES | NO:
        raise ImportError_(
            _("“%(value)s” in “Public”: write x or leave empty") % {"value": row.get("public")}
        )
    host = str(row.get("host_city") or "").strip()
    names = [n.strip() for n in str(row.get("cities") or "").replace(",", ";").split(";") if n.strip()]
    file_name = str(row.get("file") or "").strip()
    if not file_name:
        raise ImportError_(_("no file is named"))
    return {
        "forum": lookups.forum(str(row.get("forum") or "").strip()),
        "title": title[:250],
        "date": date,
        "venue": str(row.get("venue") or "").strip()[:250],
        "host_city": lookups.city(host) if host else None,
        "cities": [lookups.city(n) for n in names],
        "language": language,
        "is_public": public in YES,
        "women": _count(row, "women"),
        "men": _count(row, "men"),
        "file": file_name,
    }


def _import_row(parsed, archive, members, by):
    existing = (
        Meeting.objects.filter(forum=parsed["forum"], date=parsed["date"], title=parsed["title"])
        .prefetch_related("minutes")
        .first()
    )
    if existing is not None and any(m.language == parsed["language"] for m in existing.minutes.all()):
        return "unchanged", _("already imported")
    info = members.get(fold(parsed["file"].rsplit("/", 1)[-1]))
    if info is None:
        raise ImportError_(_("“%(name)s” is not in the ZIP") % {"name": parsed["file"]})
    data = _read_member(archive, info)
    body, read = body_and_attachment(parsed["file"], data)
    stored = []
    try:
        with transaction.atomic():
            meeting = existing or services.meeting_create(
                by=by,
                forum=parsed["forum"],
                title=parsed["title"],
                date=parsed["date"],
                venue=parsed["venue"],
                host_city=parsed["host_city"],
                cities=parsed["cities"],
                participants_female=parsed["women"],
                participants_male=parsed["men"],
            )
            minutes = services.minutes_create(
                meeting=meeting, by=by, body=body, language=parsed["language"], is_public=parsed["is_public"]
            )
            if read is not None:
                attachment = services.minutes_attach(
                    minutes=minutes,
                    by=by,
                    name=parsed["file"].rsplit("/", 1)[-1],
                    data=data,
                    kind=MinutesAttachment.Kind.SIGNED,
                    read=read,
                )
                stored.append(attachment.document.file.name)
            for name in MINUTES_WORKFLOW.path_to(Publication.PUBLISHED):
                minutes = services.minutes_transition(
                    minutes=minutes, name=name, by=by, comment=_("Historic minutes, imported.")
                )
    except Exception:
        # the database rolled back; take the stored file with it
        for path in stored:
            default_storage.delete(path)
        raise
    return "imported", ""


def historic_import(
    *, sheet_bytes, sheet_name, zip_bytes=None, by, progress: Callable | None = None
) -> ImportReport:
    """Import historic minutes; see the module doc. `progress(done, total)` after each row."""
    report = ImportReport()
    if not user_has_role(by, Role.PROGRAMME_STAFF):
        report.error = _("Only programme staff import historic minutes.")
        return report
    try:
        dataset = load_dataset(sheet_bytes, sheet_name, columns=COLUMNS, required=REQUIRED, aliases=ALIASES)
        archive, members = _zip_members(zip_bytes)
    except SheetError as exc:
        report.error = str(exc)
        return report
    lookups = _Lookups()
    total = len(dataset)
    with muted():
        for index, row in enumerate(dataset.dict, start=2):
            title = str(row.get("title") or "").strip()
            try:
                parsed = _parse(row, lookups)
                status, message = _import_row(parsed, archive, members, by)
            except ImportError_ as exc:
                report.rows.append(RowResult(index, "failed", title, str(exc)))
            except services.WorkflowError as exc:
                report.rows.append(RowResult(index, "failed", title, str(exc)))
            except Exception:
                logger.exception("historic import: row %s failed", index)
                report.rows.append(
                    RowResult(index, "failed", title, _("unexpected error (logged for the administrators)"))
                )
            else:
                report.rows.append(RowResult(index, status, title, message))
            if progress is not None:
                progress(index - 1, total)
    return report
