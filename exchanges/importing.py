"""Participant sheets in and out, with the import flow every sheet shares (`portal.imports`:
preview, row errors, all or nothing) and the reading of hand-made sheets (`portal.sheets`:
encodings, XLSX, header matching). One row per person; the city they come for is chosen on the
form (a side of the exchange the user may add for).

Columns (headers in English or Vietnamese, any case, with or without accents):
name, gender, year of birth, phone, organisation, role.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from portal import sheets
from portal.exports import dataset_bytes
from portal.imports import AllOrNothingRows, ImportReport, run_import
from portal.models import Person
from portal.selectors import PersonMatcher
from portal.text import fold, normalize_phone

from . import selectors
from .models import ExchangeParticipant, ExchangeVisit
from .services import ExchangeError, check_side

COLUMNS = {
    "name": (gettext_lazy("Full name"), "Họ và tên"),
    "gender": (gettext_lazy("Gender"), "Giới tính"),
    "year_of_birth": (gettext_lazy("Year of birth"), "Năm sinh"),
    "phone": (gettext_lazy("Phone"), "Điện thoại"),
    "organisation": (gettext_lazy("Organisation"), "Đơn vị"),
    "role": (gettext_lazy("Role"), "Vai trò"),
}
REQUIRED = ("name",)
ALIASES = {
    "ho ten": "name",
    "ten": "name",
    "sdt": "phone",
    "so dien thoai": "phone",
    "dien thoai": "phone",
    "to chuc": "organisation",
    "co quan": "organisation",
    "organization": "organisation",
    "nam sinh": "year_of_birth",
    "gioi": "gender",
}


def load_dataset(data: bytes, filename: str):
    try:
        return sheets.load_dataset(data, filename, columns=COLUMNS, required=REQUIRED, aliases=ALIASES)
    except sheets.SheetError as exc:
        raise ExchangeError(exc.message) from exc


class ParticipantResource(AllOrNothingRows, resources.ModelResource):
    """One row per person: found in the registry (only among people of the cities the user
    covers) or made, then put on the exchange for the chosen city."""

    name = fields.Field(column_name="name", attribute="person__name", readonly=True)
    gender = fields.Field(column_name="gender", readonly=True)
    year_of_birth = fields.Field(
        column_name="year_of_birth", attribute="person__year_of_birth", readonly=True
    )
    phone = fields.Field(column_name="phone", readonly=True)
    organisation = fields.Field(column_name="organisation", attribute="person__organisation", readonly=True)
    role = fields.Field(column_name="role", readonly=True)

    class Meta:
        model = ExchangeParticipant
        fields = ("name", "gender", "year_of_birth", "phone", "organisation", "role")
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        skip_html_diff = True
        clean_model_instances = False

    def __init__(self, *, exchange, city, user):
        super().__init__()
        self.exchange, self.city, self.user = exchange, city, user
        self.seen = {}  # person key -> sheet row
        self.people = {}  # person key -> Person (found or made during this import)
        self.matches = []
        self.new_people = 0

    def before_import(self, dataset, **kwargs):
        self.existing = {p.person_id: p for p in ExchangeParticipant.objects.filter(exchange=self.exchange)}
        headers = dataset.headers or []
        self.matcher = PersonMatcher(
            names=[sheets.cell_text(v) for v in dataset["name"]] if "name" in headers else [],
            phones=[sheets.cell_text(v) for v in dataset["phone"]] if "phone" in headers else [],
            city=self.city,
            among=Person.objects.filter(
                exchange_participations__exchange=self.exchange, exchange_participations__city=self.city
            ),
        )

    def _message(self, errors):
        details = "; ".join(f"{COLUMNS[k][0]}: {v}" if k in COLUMNS else v for k, v in errors.items())
        return _("Row %(row)s: %(details)s") % {"row": self.sheet_row, "details": details}

    def get_or_init_instance(self, instance_loader, row):
        errors = {}

        def cell(key, parser=sheets.cell_text):
            try:
                return parser(row.get(key, ""))
            except ValueError as exc:
                errors[key] = str(exc)
                return None

        name = " ".join((cell("name") or "").split())
        if not name:
            errors["name"] = _("the name is missing")
        gender = cell("gender", sheets.parse_gender) or ""
        year = cell("year_of_birth", sheets.parse_year)
        phone = cell("phone") or ""
        if phone and not normalize_phone(phone):
            errors["phone"] = _("“%(value)s” is not a phone number") % {"value": phone}
        organisation = cell("organisation") or ""
        role = cell("role", sheets.parse_role) or ""
        if errors:
            raise ValidationError(self._message(errors))
        key = normalize_phone(phone) or (fold(name), year)
        if key in self.seen:
            raise ValidationError(
                _("Row %(row)s repeats row %(first)s: the same person.")
                % {"row": self.sheet_row, "first": self.seen[key]}
            )
        self.seen[key] = self.sheet_row
        person = self.people.get(key)
        if person is None:
            match = self.matcher.match(
                name=name,
                phone=phone,
                year_of_birth=year,
                accept=lambda candidate: selectors.covers_person(self.user, candidate),
            )
            if match is not None:
                person = match.person
                self.matches.append((self.sheet_row, match))
            else:
                person = Person(
                    name=name,
                    gender=gender,
                    phone=phone,
                    year_of_birth=year,
                    city=self.city,
                    organisation=organisation,
                    network_role=role or Person.NetworkRole.COMMUNITY_MEMBER,
                )
            self.people[key] = person
        participant = self.existing.get(person.pk) if person.pk else None
        if participant is not None:
            participant._changed = bool(role) and participant.role != role
            if participant._changed:
                participant.role = role
            return participant, False
        participant = ExchangeParticipant(
            exchange=self.exchange,
            person=person,
            city=self.city,
            role=role or person.network_role,
            added_by=self.user,
        )
        participant._changed = True
        return participant, True

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and instance.pk is not None and not instance._changed

    def do_instance_save(self, instance, is_create):
        person = instance.person
        try:
            if person.pk is None:
                person.full_clean(exclude=["city"])
                person.save()
                self.matcher.remember(person)
                self.new_people += 1
            instance.person = person
            instance.full_clean(exclude=["exchange", "person", "city"], validate_unique=False)
        except ValidationError as exc:
            raise ValidationError(self._message({"name": " ".join(exc.messages)})) from exc
        instance.save()
        self.existing[person.pk] = instance

    # export ---------------------------------------------------------------------------
    def dehydrate_gender(self, obj):
        return obj.person.get_gender_display() if obj.person.gender else ""

    def dehydrate_phone(self, obj):
        return obj.person.phone

    def dehydrate_role(self, obj):
        return obj.get_role_display()


def participants_import(*, exchange, city, by, data: bytes, filename: str, dry_run: bool) -> ImportReport:
    """Read a participant sheet into the exchange for `city`. Dry run: report what would happen
    and write nothing. Otherwise all or nothing: with any bad row, nothing is written."""
    check_side(exchange, by, city)
    if not exchange.is_open:
        raise ExchangeError(_("Participants are added while the visit is planned or held."))
    dataset = load_dataset(data, filename)
    resource = ParticipantResource(exchange=exchange, city=city, user=by)
    return run_import(
        resource=resource,
        dataset=dataset,
        dry_run=dry_run,
        lock=lambda: ExchangeVisit.objects.select_for_update().filter(pk=exchange.pk).first(),
        error_class=ExchangeError,
    )


def participants_export(*, exchange, by, file_format="xlsx", template=False) -> bytes:
    """The participants the user may see with phones (their own cities' rows; all for staff),
    or the empty template. Formula-like cells are escaped."""
    import tablib

    headers = [str(COLUMNS[key][0]) for key in COLUMNS] + [str(_("Home city"))]
    dataset = tablib.Dataset(headers=headers)
    if not template:
        sides = {c.pk for c in selectors.sides_for(by, exchange)}
        rows = selectors.participants_of(exchange).filter(city_id__in=sides)
        for p in rows:
            person = p.person
            dataset.append(
                [
                    person.name,
                    person.get_gender_display() if person.gender else "",
                    person.year_of_birth or "",
                    person.phone,
                    person.organisation,
                    p.get_role_display(),
                    p.city.name,
                ]
            )
    return dataset_bytes(dataset, file_format)  # formula-safe cells
