"""Write actions on exchange visits. Views, the importer and the demo call these; each checks
the user's role over the exchange (or over the city of the rows it touches) and the exchange's
state. State changes go through `workflows.engine.transition_fire` (lock, guard, history with
comment, notifications and signal after commit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Person
from portal.services import person_match_or_create
from workflows.engine import WorkflowError, transition_fire

from . import selectors
from .files import check_upload
from .models import (
    ExchangeFile,
    ExchangeLesson,
    ExchangeParticipant,
    ExchangeTopic,
    ExchangeVisit,
)

S = ExchangeVisit.State


class ExchangeError(WorkflowError):
    """An exchange action that cannot be done; the message says why."""


def _require(allowed, message=None):
    if not allowed:
        raise ExchangeError(message or _("You may not do this for this exchange."))


def _locked(exchange):
    return (
        ExchangeVisit.objects.select_for_update(of=("self",))
        .select_related("host_city")
        .prefetch_related("visiting_cities")
        .get(pk=exchange.pk)
    )


def _check_places(*, kind, host_city, host_communities, visiting_cities, visiting_communities):
    errors = {}
    if kind == ExchangeVisit.Kind.CITY_TO_CITY:
        if not visiting_cities:
            errors["visiting_cities"] = _("Choose the visiting city or cities.")
        elif any(c.pk == host_city.pk for c in visiting_cities):
            errors["visiting_cities"] = _("The host city cannot visit itself.")
    else:
        if visiting_cities:
            errors["visiting_cities"] = _("A visit within a city has no visiting city.")
        if not visiting_communities:
            errors["visiting_communities"] = _("Choose the visiting communities.")
    if any(c.ward.city_id != host_city.pk for c in host_communities):
        errors["host_communities"] = _("Host communities must be in the host city.")
    allowed = {host_city.pk} if kind == ExchangeVisit.Kind.WITHIN_CITY else {c.pk for c in visiting_cities}
    if any(c.ward.city_id not in allowed for c in visiting_communities):
        errors["visiting_communities"] = _("Visiting communities must be in the visiting cities.")
    if kind == ExchangeVisit.Kind.WITHIN_CITY and set(host_communities) & set(visiting_communities):
        errors["visiting_communities"] = _("A community cannot visit itself.")
    if errors:
        raise ValidationError(errors)


def _set_relations(exchange, *, topics, host_communities, visiting_cities, visiting_communities):
    exchange.host_communities.set(host_communities)
    exchange.visiting_cities.set(visiting_cities)
    exchange.visiting_communities.set(visiting_communities)
    topics = set(topics)
    exchange.topics.exclude(topic__in=topics).delete()
    have = set(exchange.topics.values_list("topic", flat=True))
    ExchangeTopic.objects.bulk_create(
        ExchangeTopic(exchange=exchange, topic=t) for t in sorted(topics - have)
    )


@transaction.atomic
def exchange_plan(
    *,
    by,
    title,
    kind,
    host_city,
    start_date,
    end_date,
    purpose,
    budget=0,
    paid_by=ExchangeVisit.Payer.HOST_CDF,
    topics=(),
    host_communities=(),
    visiting_cities=(),
    visiting_communities=(),
):
    """Plan a visit hosted by `host_city`: its CDF secretary, or programme staff."""
    _require(
        host_city in selectors.plannable_cities(by),
        _("Only the host city's CDF secretary or programme staff plan an exchange."),
    )
    host_communities, visiting_cities = list(host_communities), list(visiting_cities)
    visiting_communities = list(visiting_communities)
    _check_places(
        kind=kind,
        host_city=host_city,
        host_communities=host_communities,
        visiting_cities=visiting_cities,
        visiting_communities=visiting_communities,
    )
    exchange = ExchangeVisit(
        title=title.strip(),
        kind=kind,
        host_city=host_city,
        start_date=start_date,
        end_date=end_date,
        purpose=purpose.strip(),
        budget=budget or 0,
        paid_by=paid_by,
        created_by=by,
    )
    exchange.full_clean()
    exchange.save()
    _set_relations(
        exchange,
        topics=topics,
        host_communities=host_communities,
        visiting_cities=visiting_cities,
        visiting_communities=visiting_communities,
    )
    return exchange


_DETAILS = ("title", "kind", "start_date", "end_date", "purpose", "budget", "paid_by")


@transaction.atomic
def exchange_update(*, exchange, by, topics=None, **fields):
    """Change the details while planned or held (host secretary, programme staff). The host
    city does not change: plan a new exchange instead."""
    exchange = _locked(exchange)
    _require(selectors.can_edit(by, exchange))
    relations = {
        key: list(fields.pop(key))
        for key in ("host_communities", "visiting_cities", "visiting_communities")
        if key in fields
    }
    unknown = set(fields) - set(_DETAILS)
    if unknown:
        raise ExchangeError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(exchange, name, value.strip() if isinstance(value, str) else value)
    current = {
        "host_communities": list(exchange.host_communities.select_related("ward")),
        "visiting_cities": list(exchange.visiting_cities.all()),
        "visiting_communities": list(exchange.visiting_communities.select_related("ward")),
        **relations,
    }
    _check_places(kind=exchange.kind, host_city=exchange.host_city, **current)
    gone = {c.pk for c in exchange.visiting_cities.all()} - {c.pk for c in current["visiting_cities"]}
    if gone and exchange.participants.filter(city_id__in=gone).exists():
        raise ExchangeError(_("Remove that city's participants before removing the city."))
    exchange.full_clean()
    exchange.save()
    _set_relations(
        exchange,
        topics=topics if topics is not None else exchange.topics.values_list("topic", flat=True),
        **current,
    )
    return exchange


def exchange_mark_held(*, exchange, by, comment="", expected_state=None):
    """Planned → held, once the visit has started."""
    return transition_fire(
        obj=exchange, name="mark_held", by=by, comment=comment, expected_state=expected_state
    )


def exchange_cancel(*, exchange, by, comment, expected_state=None):
    """Planned → cancelled (a reason is required); it takes no report afterwards."""
    return transition_fire(obj=exchange, name="cancel", by=by, comment=comment, expected_state=expected_state)


@transaction.atomic
def exchange_report_save(*, exchange, by, report_text, follow_up="", is_public=False):
    """Save the report's text while the visit is held (host secretary, programme staff). There
    is no report before the visit is held, nor for a cancelled visit."""
    exchange = _locked(exchange)
    _require(selectors.can_edit(by, exchange))
    _require(
        exchange.state == S.HELD,
        _("The report is written once the visit is held, and until it is submitted."),
    )
    exchange.report_text = report_text.strip()
    exchange.follow_up = follow_up.strip()
    exchange.is_public = bool(is_public)
    exchange.full_clean()
    exchange.save(update_fields=["report_text", "follow_up", "is_public"])
    return exchange


def exchange_submit_report(*, exchange, by, comment="", expected_state=None):
    """Held → report submitted (the report must be written). Lessons and files lock."""
    return transition_fire(
        obj=exchange, name="submit_report", by=by, comment=comment, expected_state=expected_state
    )


def exchange_publish(*, exchange, by, comment="", expected_state=None):
    """Report submitted → published (programme staff): every logged-in user reads it, and
    anyone when it is marked public."""
    return transition_fire(
        obj=exchange, name="publish", by=by, comment=comment, expected_state=expected_state
    )


def exchange_send_back(*, exchange, by, comment, expected_state=None):
    """Back to held for the host to correct the report (programme staff; a reason is required)."""
    return transition_fire(
        obj=exchange, name="send_back", by=by, comment=comment, expected_state=expected_state
    )


@transaction.atomic
def exchange_file_add(*, exchange, by, upload, kind, caption="", is_public=False):
    """Add a photo or document to the report while the visit is held (host, programme staff)."""
    exchange = _locked(exchange)
    _require(selectors.can_edit(by, exchange))
    _require(exchange.state == S.HELD, _("Photos and documents are added once the visit is held."))
    if kind not in ExchangeFile.Kind.values:
        raise ExchangeError(_("Unknown kind of file."))
    content_type = check_upload(upload, kind)
    item = ExchangeFile(
        exchange=exchange,
        kind=kind,
        file=upload,
        filename=(upload.name or "file")[-200:],
        content_type=content_type,
        size=upload.size,
        caption=caption.strip(),
        is_public=bool(is_public),
        uploaded_by=by,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def exchange_file_remove(*, file, by):
    exchange = _locked(file.exchange)
    _require(selectors.can_edit(by, exchange))
    _require(exchange.state == S.HELD, _("Photos and documents are changed only while the visit is held."))
    file.file.delete(save=False)
    file.delete()


# --- participants and lessons: each city its own rows ------------------------------------------


def check_side(exchange, by, city):
    _require(
        city.pk in exchange.city_ids() and city in selectors.sides_for(by, exchange),
        _("You may add participants and lessons only for your own city's side of this exchange."),
    )


@transaction.atomic
def participant_add(
    *, exchange, by, city, name, gender="", phone="", year_of_birth=None, organisation="", role=""
):
    """Put someone on the exchange for `city` (the host's or a visitor's side: that city's
    secretary, or programme staff), reusing the registry's person when one matches (same phone,
    same name already on this exchange, or same name and year of birth in the city), but only
    a person of a city the user covers: a match elsewhere is neither shown nor used (staff merge
    the duplicate later). Returns (participant, match or None, created)."""
    exchange = _locked(exchange)
    _require(selectors.can_view(by, exchange))
    check_side(exchange, by, city)
    _require(exchange.is_open, _("Participants are added while the visit is planned or held."))
    roster = Person.objects.filter(
        exchange_participations__exchange=exchange, exchange_participations__city=city
    )
    person, match = person_match_or_create(
        name=name,
        gender=gender,
        phone=phone,
        year_of_birth=year_of_birth,
        city=city,
        organisation=organisation,
        network_role=role,
        among=roster,
        accept=lambda candidate: selectors.covers_person(by, candidate),
    )
    participant, created = ExchangeParticipant.objects.get_or_create(
        exchange=exchange,
        person=person,
        defaults={"city": city, "role": role or person.network_role, "added_by": by},
    )
    return participant, match, created


@transaction.atomic
def participant_remove(*, participant, by):
    exchange = _locked(participant.exchange)
    check_side(exchange, by, participant.city)
    _require(exchange.is_open, _("Participants are changed while the visit is planned or held."))
    participant.delete()


@transaction.atomic
def lesson_save(*, exchange, by, city, lessons, follow_up=""):
    """Write `city`'s lessons learned and follow-up actions (one row per city: the host's and
    each visitor's), while the visit is held."""
    exchange = _locked(exchange)
    _require(selectors.can_view(by, exchange))
    check_side(exchange, by, city)
    _require(
        exchange.state == S.HELD,
        _("Lessons are written once the visit is held, until the report is submitted."),
    )
    lessons = lessons.strip()
    if not lessons:
        raise ExchangeError(_("Write the lessons learned."), field_errors={"lessons": [_("Required.")]})
    lesson = ExchangeLesson.objects.filter(exchange=exchange, city=city).first() or ExchangeLesson(
        exchange=exchange, city=city
    )
    lesson.lessons = lessons
    lesson.follow_up = follow_up.strip()
    lesson.updated_by = by
    lesson.full_clean(exclude=["exchange", "city"], validate_unique=False)
    lesson.save()
    return lesson
