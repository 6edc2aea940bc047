"""manage.py import_historic_minutes meetings.csv --zip documents.zip --user staff"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from forums.importing import historic_import


def progress_bar(stream, width=30):
    def show(done, total):
        filled = width * done // total if total else width
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = "Import historic forum minutes: a sheet of meetings and a ZIP of documents (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("sheet", help="CSV or XLSX: one row per minutes document")
        parser.add_argument("--zip", dest="zip_path", help="ZIP of the documents the sheet names")
        parser.add_argument("--user", required=True, help="username of the programme staff member importing")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, sheet, zip_path=None, user, no_progress=False, **options):
        try:
            by = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {user!r}.") from None
        try:
            sheet_bytes = Path(sheet).read_bytes()
            zip_bytes = Path(zip_path).read_bytes() if zip_path else None
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        report = historic_import(
            sheet_bytes=sheet_bytes,
            sheet_name=Path(sheet).name,
            zip_bytes=zip_bytes,
            by=by,
            progress=None if no_progress else progress_bar(sys.stderr),
        )
        if report.error:
            raise CommandError(report.error)
        for row in report.rows:
            line = f"row {row.line}: {row.status}: {row.meeting}"
            self.stdout.write(line + (f" ({row.message})" if row.message else ""))
        self.stdout.write(
            f"imported {report.imported}, already there {report.unchanged}, failed {report.failed}"
        )
        if report.failed:
            raise CommandError(f"{report.failed} row(s) failed; see above.")
