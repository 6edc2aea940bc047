"""Read queries for exchange pages: who may do what (asked of the workflow's declaration), the
filtered list, one exchange with everything its page shows, and the network's figures."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from portal.models import City, Role
from portal.permissions import scope_q, user_has_role

from .models import (
    EXCHANGE_WORKFLOW,
    HOSTS,
    ExchangeFile,
    ExchangeLesson,
    ExchangeParticipant,
    ExchangeVisit,
)

SIDE_ROLES = (Role.CDF_SECRETARY, Role.PROGRAMME_STAFF)

# --- permissions ---------------------------------------------------------------------------


def can_view(user, exchange):
    return EXCHANGE_WORKFLOW.can_view(user, exchange)


def can_edit(user, exchange):
    """Details, report, photos and documents: the host city's secretary and programme staff,
    while the exchange is planned or held."""
    return EXCHANGE_WORKFLOW.can_edit(user, exchange)


def is_host(user, exchange):
    return user_has_role(user, HOSTS, exchange)


def can_plan(user):
    return user_has_role(user, SIDE_ROLES)


def plannable_cities(user):
    """Cities where the user may plan an exchange as host."""
    cities = City.objects.filter(is_active=True)
    if user_has_role(user, Role.PROGRAMME_STAFF):
        return cities
    return cities.filter(scope_q(City, user, Role.CDF_SECRETARY))


def sides_for(user, exchange):
    """The exchange's cities (host and visitors) for which the user adds participants and
    writes lessons: their own city as its CDF secretary; every one as programme staff."""
    cities = [exchange.host_city, *exchange.visiting_cities.all()]
    return [city for city in cities if user_has_role(user, SIDE_ROLES, city)]


def covers_person(user, person):
    """May the user be shown (and reuse) this registry person? Only people of the cities the
    user covers as CDF secretary or programme staff."""
    return person.city_id is not None and user_has_role(user, SIDE_ROLES, person)


def sees_people(user, exchange):
    """Participants' names: insiders and logged-in readers of a published report; never the
    public."""
    return user is not None and user.is_authenticated and can_view(user, exchange)


def sees_phones_of(user, city):
    return user_has_role(user, SIDE_ROLES, city)


# --- lists and pages -------------------------------------------------------------------------


def exchanges_for(user, *, city=None, kind="", year=None, topic="", state=""):
    people = (
        ExchangeParticipant.objects.filter(exchange=OuterRef("pk"))
        .order_by()
        .values("exchange")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = (
        ExchangeVisit.objects.visible_to(user)
        .select_related("host_city")
        .prefetch_related("visiting_cities", "topics")
        # a correlated count: evaluated for the page's rows only, not grouped over every exchange
        .annotate(people=Coalesce(Subquery(people), 0))
        .order_by("-start_date", "-pk")
    )
    if city is not None:
        visited = ExchangeVisit.visiting_cities.through.objects.filter(city=city).values("exchangevisit_id")
        qs = qs.filter(Q(host_city=city) | Q(pk__in=visited))
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start_date__year=year)
    if topic:
        qs = qs.filter(topics__topic=topic)
    if state:
        qs = qs.filter(state=state)
    return qs


def exchange_for(user, pk):
    """One exchange with what its page reads, or None; whether the user may see it is the
    caller's question (`can_view`)."""
    return (
        ExchangeVisit.objects.select_related("host_city")
        .prefetch_related(
            "visiting_cities", "host_communities__ward", "visiting_communities__ward__city", "topics"
        )
        .filter(pk=pk)
        .first()
    )


def participants_of(exchange):
    return ExchangeParticipant.objects.filter(exchange=exchange).select_related("person", "city")


def lessons_of(exchange):
    return ExchangeLesson.objects.filter(exchange=exchange).select_related("city", "updated_by")


def files_of(exchange, *, public_only=False):
    files = ExchangeFile.objects.filter(exchange=exchange)
    return files.filter(is_public=True) if public_only else files


def may_read_file(user, file):
    """Insiders read every file of an exchange they may view; logged-in readers of a
    published report likewise; the public only the public files of a public published report."""
    exchange = file.exchange
    if not can_view(user, exchange):
        return False
    if user is not None and user.is_authenticated:
        return True
    return file.is_public and exchange.is_published and exchange.is_public
