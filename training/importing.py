"""Attendance sheets in and out: decoding the bytes Vietnamese spreadsheets come in, the
django-import-export resource (one row per person and day), and the all-or-nothing import.

Columns (headers in English or Vietnamese, any case, with or without accents):
session code, date, name, gender, year of birth, phone, organisation, role, present.
"""

import datetime
import unicodedata

import tablib
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, results, widgets

from portal import sheets
from portal.exports import dataset_bytes
from portal.imports import ImportReport, row_errors
from portal.models import Person
from portal.selectors import PersonMatcher
from portal.sheets import parse_date, parse_gender, parse_present
from portal.text import fold, normalize_phone

from . import selectors
from .models import Attendance, AttendanceDay, TrainingSession
from .services import TrainingError


class ImportFileError(TrainingError):
    """The file as a whole cannot be read (encoding, format, columns)."""


class ImportAborted(Exception):
    def __init__(self, row, error):
        super().__init__(row, error)
        self.row, self.error = row, error


# key -> (English header, Vietnamese header). The template and exports use the active language.
COLUMNS = {
    "session": (gettext_lazy("Session code"), "Mã lớp"),
    "date": (gettext_lazy("Date"), "Ngày"),
    "name": (gettext_lazy("Full name"), "Họ và tên"),
    "gender": (gettext_lazy("Gender"), "Giới tính"),
    "year_of_birth": (gettext_lazy("Year of birth"), "Năm sinh"),
    "phone": (gettext_lazy("Phone"), "Điện thoại"),
    "organisation": (gettext_lazy("Organisation"), "Đơn vị"),
    "role": (gettext_lazy("Role"), "Vai trò"),
    "present": (gettext_lazy("Present"), "Có mặt"),
}
REQUIRED = ("date", "name", "present")
_ALIASES = {
    "ho ten": "name",
    "ten": "name",
    "sdt": "phone",
    "so dien thoai": "phone",
    "dien thoai": "phone",
    "to chuc": "organisation",
    "co quan": "organisation",
    "nam sinh": "year_of_birth",
    "lop": "session",
    "session": "session",
    "organization": "organisation",
    "ngay": "date",
    "gioi": "gender",
}


def load_dataset(data: bytes, filename: str):
    """The sheet as a Dataset keyed by COLUMNS. Raises ImportFileError."""
    try:
        return sheets.load_dataset(data, filename, columns=COLUMNS, required=REQUIRED, aliases=_ALIASES)
    except sheets.SheetError as exc:
        raise ImportFileError(exc.message) from exc


def decode_sheet_bytes(data: bytes) -> str:
    try:
        return sheets.decode_sheet_bytes(data)
    except sheets.SheetError as exc:
        raise ImportFileError(exc.message) from exc


def _role_lookup():
    from django.utils import translation

    table = {}
    for code, label in Person.NetworkRole.choices:
        table[fold(code.replace("_", " "))] = code
        table[fold(str(label))] = code
        for language in ("en", "vi"):
            with translation.override(language):
                table[fold(str(label))] = code
    return table


def parse_role(value):
    text = fold(str(value or ""))
    if not text:
        return ""
    table = _role_lookup()
    if text in table:
        return table[text]
    raise ValueError(_("“%(value)s” is not a known role") % {"value": value})


def parse_year(value):
    if value in (None, ""):
        return None
    try:
        year = int(float(str(value).strip()))
    except (ValueError, OverflowError):
        raise ValueError(_("“%(value)s” is not a year of birth") % {"value": value}) from None
    if not 1900 <= year <= datetime.date.today().year:
        raise ValueError(_("“%(value)s” is not a year of birth") % {"value": value})
    return year


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


# --- the resource -------------------------------------------------------------------------


class PresentWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_present(value)

    def render(self, value, obj=None, **kwargs):
        return "x" if value else ""


class DayWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class _RowResult(results.RowResult):
    def add_instance_info(self, instance):
        # The admin's log wants a text for each object; nothing here reads it, and spelling
        # out "person · session · day" for every row was 7% of an import (profiled).
        self.object_id = getattr(instance, "pk", None)


class AttendanceResource(resources.ModelResource):
    """One row per person and day. Reads people through the registry's matching rules;
    writes the person (when new), their roster row and the day's present flag."""

    session = fields.Field(column_name="session", attribute="attendance__session__code", readonly=True)
    date = fields.Field(column_name="date", attribute="day", readonly=True, widget=DayWidget())
    name = fields.Field(column_name="name", attribute="attendance__person__name", readonly=True)
    gender = fields.Field(column_name="gender", readonly=True)
    year_of_birth = fields.Field(
        column_name="year_of_birth", attribute="attendance__person__year_of_birth", readonly=True
    )
    phone = fields.Field(column_name="phone", readonly=True)
    organisation = fields.Field(
        column_name="organisation", attribute="attendance__person__organisation", readonly=True
    )
    role = fields.Field(column_name="role", attribute="attendance__role", readonly=True)
    present = fields.Field(column_name="present", attribute="present", widget=PresentWidget())

    class Meta:
        model = AttendanceDay
        fields = (
            "session",
            "date",
            "name",
            "gender",
            "year_of_birth",
            "phone",
            "organisation",
            "role",
            "present",
        )
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        skip_diff = True  # no deep copy of every row's object graph: skip_row compares itself
        skip_html_diff = True
        clean_model_instances = False  # rows are checked cell by cell above

    def __init__(self, *, session, user=None, show_phones=True):
        super().__init__()
        self.session = session
        self.user = user
        self.show_phones = show_phones
        self.days = set(session.days)
        self.seen = {}  # (person key, day) -> sheet row number
        self.people = {}  # person key -> Person (found or made during this import)
        self.roster = {}  # person id -> Attendance
        self.matches = []  # (sheet row, PersonMatch) for people reused from the registry
        self.new_people = 0
        self._row_keys = []
        # Writes wait for `flush()`: rows are checked one by one, then written in bulk.
        self._new_people = {}  # id(person) -> Person
        self._new_attendances = {}  # id(person) -> Attendance, for people not yet on the roster
        self._role_changes = {}  # attendance pk -> Attendance
        self._new_days = []
        self._changed_days = []

    def get_row_result_class(self):
        return _RowResult

    # export ---------------------------------------------------------------------------
    def get_queryset(self):
        return (
            AttendanceDay.objects.filter(attendance__session=self.session)
            .select_related("attendance__person", "attendance__session")
            .order_by("day", "attendance__person__name_folded", "attendance__person_id")
        )

    def dehydrate_gender(self, obj):
        return obj.attendance.person.get_gender_display() if obj.attendance.person.gender else ""

    def dehydrate_phone(self, obj):
        return obj.attendance.person.phone if self.show_phones else ""

    def dehydrate_role(self, obj):
        return obj.attendance.get_role_display()

    def get_export_headers(self, selected_fields=None):
        return [str(COLUMNS[f.column_name][0]) for f in self.get_export_fields(selected_fields)]

    # import ---------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        self.roster = {
            a.person_id: a for a in Attendance.objects.filter(session=self.session).select_related("person")
        }
        self.day_rows = {
            (d.attendance_id, d.day): d
            for d in AttendanceDay.objects.filter(attendance__session=self.session)
        }
        # The registry's candidates for every name and phone on the sheet, read once.
        headers = dataset.headers or []
        self.matcher = PersonMatcher(
            names=[_text(v) for v in dataset["name"]] if "name" in headers else [],
            phones=[_text(v) for v in dataset["phone"]] if "phone" in headers else [],
            city=self.session.city,
            among=Person.objects.filter(training_attendances__session=self.session),
            # the registry the importing user covers: a preview reveals nobody beyond it
            within=selectors.people_in_scope(self.user) if self.user is not None else None,
        )

    def get_or_init_instance(self, instance_loader, row):
        number = self._row_number + 1  # the sheet's own row number: the header is row 1
        errors = {}

        def cell(key, parser=_text):
            try:
                return parser(row.get(key, ""))
            except ValueError as exc:
                errors[key] = str(exc)
                return None

        code = cell("session")
        if code and code.lower() != self.session.code.lower():
            errors["session"] = _("session code “%(code)s” is not this session (%(ours)s)") % {
                "code": code,
                "ours": self.session.code,
            }
        day = cell("date", parse_date)
        if day and day not in self.days:
            errors["date"] = _("%(day)s is not a day of this session (%(start)s – %(end)s)") % {
                "day": day.strftime("%d/%m/%Y"),
                "start": self.session.start_date.strftime("%d/%m/%Y"),
                "end": self.session.end_date.strftime("%d/%m/%Y"),
            }
        name = " ".join((cell("name") or "").split())
        if not name:
            errors["name"] = _("the name is missing")
        gender = cell("gender", parse_gender) or ""
        year = cell("year_of_birth", parse_year)
        phone = cell("phone") or ""
        if phone and not normalize_phone(phone):
            errors["phone"] = _("“%(value)s” is not a phone number") % {"value": phone}
        organisation = cell("organisation") or ""
        role = cell("role", parse_role) or ""
        if errors:
            raise ValidationError(self._message(number, errors))

        key = normalize_phone(phone) or (fold(name), year)
        if (key, day) in self.seen:
            raise ValidationError(
                _("Row %(row)s repeats row %(first)s: the same person on the same day.")
                % {"row": number, "first": self.seen[(key, day)]}
            )
        self.seen[(key, day)] = number

        person = self.people.get(key)
        if person is None and not normalize_phone(phone):
            person = self.people.get((fold(name), None))
        if person is None:
            match = self.matcher.match(name=name, phone=phone, year_of_birth=year)
            if match is not None:
                person = match.person
                self.matches.append((number, match))
            else:
                person = Person(
                    name=name,
                    gender=gender,
                    phone=phone,
                    year_of_birth=year,
                    city=self.session.city,
                    organisation=organisation,
                    network_role=role or Person.NetworkRole.COMMUNITY_MEMBER,
                )
            self.people[key] = person
            self._row_keys.append(key)
            if not normalize_phone(phone):
                self.people.setdefault((fold(name), None), person)
                self._row_keys.append((fold(name), None))

        attendance = self.roster.get(person.pk) if person.pk else None
        if attendance is None:  # put on the roster by an earlier row of this sheet (written at the end)
            attendance = self._new_attendances.get(id(person))
        if attendance is None:
            attendance = Attendance(session=self.session, person=person, role=role or person.network_role)
            attendance.walk_in = False
        elif role and attendance.role != role:
            attendance.role = role
            attendance._role_changed = True
        record = self.day_rows.get((attendance.pk, day)) if attendance.pk else None
        if record is not None:
            record.attendance = attendance
            record._was_present = record.present
            return record, False
        return AttendanceDay(attendance=attendance, day=day, present=False), True

    def _message(self, number, errors):
        details = "; ".join(f"{COLUMNS[k][0]}: {v}" if k in COLUMNS else v for k, v in errors.items())
        return _("Row %(row)s: %(details)s") % {"row": number, "details": details}

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs["row_number"]
        self._row_keys = []
        result = super().import_row(row, instance_loader, **kwargs)
        for error in result.errors:
            if isinstance(error.error, DatabaseError):
                # Rows run without savepoints (one transaction for the whole sheet): after a
                # database error nothing further can be checked, so stop here.
                raise ImportAborted(self._row_number + 1, error.error) from error.error
        if result.errors or result.validation_error:
            for key in self._row_keys:  # whatever this row made was rolled back with it
                self.people.pop(key, None)
        return result

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            raise ValidationError(
                self._message(self._row_number + 1, {"present": " ".join(sum(exc.message_dict.values(), []))})
            ) from exc

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if (
            import_validation_errors
            or instance.pk is None
            or getattr(instance.attendance, "_role_changed", False)
        ):
            return False
        return instance.present == instance._was_present

    def do_instance_save(self, instance, is_create):
        try:
            self._save(instance, is_create)
        except ValidationError as exc:
            raise ValidationError(
                self._message(self._row_number + 1, {"name": " ".join(exc.messages)})
            ) from exc

    def _save(self, instance, is_create):
        """Check and collect this row's writes (a new person, a roster row, a role change, the
        day's flag); `flush()` writes them all at once."""
        attendance = instance.attendance
        person = attendance.person
        if person.pk is None and id(person) not in self._new_people:
            person.full_clean(exclude=["city"])  # the session's own city
            # what Person.save() would compute, for bulk_create
            person.name_folded = fold(person.name)
            person.phone_normalized = normalize_phone(person.phone)
            self._new_people[id(person)] = person
            self.matcher.remember(person)
            self.new_people += 1
        if attendance.pk is None and id(person) not in self._new_attendances:
            # session and person are objects in hand; uniqueness is kept by self.roster
            attendance.full_clean(exclude=["session", "person"], validate_unique=False)
            self._new_attendances[id(person)] = attendance
        elif attendance.pk is not None and getattr(attendance, "_role_changed", False):
            self._role_changes[attendance.pk] = attendance
            attendance._role_changed = False
        instance.attendance = attendance
        (self._new_days if is_create else self._changed_days).append(instance)
        if attendance.pk is not None:
            self.day_rows[(attendance.pk, instance.day)] = instance

    def flush(self):
        """Write what the sheet's rows collected: a few bulk statements whatever its size."""
        batch = 1000
        Person.objects.bulk_create(self._new_people.values(), batch_size=batch)
        attendances = list(self._new_attendances.values())
        for attendance in attendances:
            attendance.person = attendance.person  # the person's new id onto the row
        Attendance.objects.bulk_create(attendances, batch_size=batch)
        for attendance in attendances:
            self.roster[attendance.person_id] = attendance
        Attendance.objects.bulk_update(self._role_changes.values(), ["role"], batch_size=batch)
        for day in self._new_days:
            day.attendance = day.attendance
        AttendanceDay.objects.bulk_create(self._new_days, batch_size=batch)
        AttendanceDay.objects.bulk_update(self._changed_days, ["present"], batch_size=batch)


def attendance_import(*, session, by, data: bytes, filename: str, dry_run: bool) -> ImportReport:
    """Read an attendance sheet into a session. Dry run: report what would happen and write
    nothing. Otherwise all or nothing: with any bad row, nothing is written."""
    if not selectors.can_edit(by, session):
        raise TrainingError(_("You may not import attendance into this session."))
    dataset = load_dataset(data, filename)
    resource = AttendanceResource(session=session, user=by)
    with transaction.atomic():
        # One import at a time per session: a second confirm waits, then sees the first's rows.
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        try:
            # use_transactions=False: no savepoint per row, the whole sheet is this one atomic
            # block (rolled back below on a dry run or any bad row).
            result = resource.import_data(dataset, dry_run=False, use_transactions=False, raise_errors=False)
        except ImportAborted as exc:
            transaction.set_rollback(True)
            raise TrainingError(
                _("Row %(row)s could not be saved (%(error)s); nothing was imported.")
                % {"row": exc.row, "error": exc.error}
            ) from exc
        totals = result.totals
        report = ImportReport(
            new=totals.get("new", 0),
            updated=totals.get("update", 0),
            skipped=totals.get("skip", 0),
            total=result.total_rows,
            new_people=resource.new_people,
            errors=[str(m) for m in row_errors(result)],
            matches=resource.matches,
        )
        if result.base_errors:
            report.errors += [str(e.error) for e in result.base_errors]
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            try:
                resource.flush()
            except (DatabaseError, ValidationError) as exc:
                transaction.set_rollback(True)
                raise TrainingError(
                    _("The sheet could not be saved (%(error)s); nothing was imported.") % {"error": exc}
                ) from exc
            report.committed = True
    return report


def attendance_export(*, session, by, file_format="xlsx", template=False):
    """The session's sheet (template: the roster with every day and an empty “Present”)."""
    if not selectors.can_view(by, session):
        raise TrainingError(_("You may not see this session."))
    resource = AttendanceResource(session=session, user=by, show_phones=selectors.can_see_phones(by, session))
    if template:
        dataset = tablib.Dataset(headers=resource.get_export_headers())
        attendances = Attendance.objects.filter(session=session).select_related("person")
        for day in session.days:
            for a in attendances:
                p = a.person
                dataset.append(
                    [
                        session.code,
                        day.strftime("%d/%m/%Y"),
                        p.name,
                        p.get_gender_display() if p.gender else "",
                        p.year_of_birth or "",
                        p.phone if resource.show_phones else "",
                        p.organisation,
                        a.get_role_display(),
                        "",
                    ]
                )
        if not attendances:
            dataset.append(
                [session.code, session.start_date.strftime("%d/%m/%Y"), "", "", "", "", "", "", ""]
            )
    else:
        dataset = resource.export()
    # formula-safe cells (a walk-in named "=1+1" stays text); CSV in UTF-8 with a BOM
    return dataset_bytes(dataset, file_format)
