"""The import flow every sheet import shares (training attendance, exchange participants):

1. upload → `run_import(..., dry_run=True)`: the whole sheet is imported inside one transaction
   and rolled back, so the preview counts exactly what a real import would do (new, updated,
   unchanged rows, new people) and lists every bad row with its sheet row number;
2. the uploaded bytes wait in a stash (`stash_put`), keyed to the user's session;
3. confirm → `run_import(..., dry_run=False)`: all or nothing; any bad row and nothing is kept.

A django-import-export resource takes part by mixing in `AllOrNothingRows` (which stops at the
first database error, since rows run without savepoints) and counting `new_people` and `matches`.
"""

import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from .selectors import PersonMatch

STASH_DIR = os.path.join(tempfile.gettempdir(), "cdf-imports")
# A preview's upload waits this long for its confirm; then it is deleted.
STASH_MAX_AGE = 2 * 3600


class ImportAborted(Exception):
    """A row hit a database error: the sheet's transaction cannot go on."""

    def __init__(self, row, error):
        super().__init__(row, error)
        self.row, self.error = row, error


class AllOrNothingRows:
    """Mixin for an import-export resource run with `use_transactions=False` (the whole sheet is
    one atomic block): remembers the sheet row number being read (`self._row_number`, 0-based
    data row) and turns a database error into `ImportAborted`."""

    new_people = 0
    matches: list

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs["row_number"]
        result = super().import_row(row, instance_loader, **kwargs)
        for error in result.errors:
            if isinstance(error.error, DatabaseError):
                raise ImportAborted(self._row_number + 1, error.error) from error.error
        return result

    @property
    def sheet_row(self):
        """The sheet's own row number (the header is row 1)."""
        return self._row_number + 1


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    skipped: int = 0
    total: int = 0
    new_people: int = 0
    errors: list = field(default_factory=list)  # sentences, one per bad row
    matches: list = field(default_factory=list)  # (row, PersonMatch)
    committed: bool = False

    @property
    def ok(self):
        return not self.errors


def row_errors(result):
    messages = []
    for number, errors in result.row_errors():
        for error in errors:
            messages.append(_("Row %(row)s: %(error)s") % {"row": number + 1, "error": error.error})
    for invalid in result.invalid_rows:
        messages.extend(invalid.error.messages)
    return messages


def run_import(*, resource, dataset, dry_run: bool, lock: Callable | None = None, error_class=Exception):
    """Import `dataset` through `resource` in one transaction. `lock()` runs first (e.g. lock
    the record imported into, so two confirms of the same sheet do not interleave). Dry run, or
    any bad row: everything is rolled back. A database error raises `error_class` with a
    sentence naming the row."""
    with transaction.atomic():
        if lock is not None:
            lock()
        try:
            # use_transactions=False: no savepoint per row, the whole sheet is this atomic block
            result = resource.import_data(dataset, dry_run=False, use_transactions=False, raise_errors=False)
        except ImportAborted as exc:
            transaction.set_rollback(True)
            raise error_class(
                _("Row %(row)s could not be saved (%(error)s); nothing was imported.")
                % {"row": exc.row, "error": exc.error}
            ) from exc
        totals = result.totals
        report = ImportReport(
            new=totals.get("new", 0),
            updated=totals.get("update", 0),
            skipped=totals.get("skip", 0),
            total=result.total_rows,
            new_people=getattr(resource, "new_people", 0),
            errors=[str(m) for m in row_errors(result)],
            matches=list(getattr(resource, "matches", [])),
        )
        if result.base_errors:
            report.errors += [str(e.error) for e in result.base_errors]
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.committed = True
    return report


def match_sentence(number, match: PersonMatch):
    return _("Row %(row)s: reused %(name)s (%(reason)s).") % {
        "row": number,
        "name": match.person.name,
        "reason": match.reason_label,
    }


# --- keeping the upload between preview and confirm ----------------------------------------


def _sweep_stash(now=None):
    """Delete uploads older than STASH_MAX_AGE, whoever left them (run at each new preview):
    a preview that is never confirmed leaves nothing behind for longer."""
    now = now or time.time()
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(STASH_DIR):
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file() and now - entry.stat().st_mtime > STASH_MAX_AGE:
                    os.remove(entry.path)


def stash_put(request, key: str, data: bytes, filename: str) -> str:
    """Keep the uploaded bytes for the confirm step, keyed to this user's session. The same
    user's previous preview under `key` is dropped, and stale ones of anybody are swept."""
    stash_drop(request, key)
    _sweep_stash()
    os.makedirs(STASH_DIR, exist_ok=True)
    token = uuid.uuid4().hex
    with open(os.path.join(STASH_DIR, token), "wb") as fh:
        fh.write(data)
    request.session[f"import_{key}"] = {"token": token, "name": filename}
    return token


def stash_get(request, key: str, token: str):
    """(bytes, file name) of the stashed upload, or (None, None) when it expired or the token
    is not this session's."""
    stash = request.session.get(f"import_{key}")
    if not stash or stash["token"] != token:
        return None, None
    path = os.path.join(STASH_DIR, stash["token"])
    try:
        if time.time() - os.stat(path).st_mtime > STASH_MAX_AGE:
            return None, None
        with open(path, "rb") as fh:
            return fh.read(), stash["name"]
    except FileNotFoundError:
        return None, None


def stash_drop(request, key: str):
    stash = request.session.pop(f"import_{key}", None)
    if stash:
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(STASH_DIR, stash["token"]))
