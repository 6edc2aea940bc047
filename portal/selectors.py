"""Read queries the portal's pages reuse."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from .models import City, Community, Membership, Person, SavingsGroup
from .text import fold, normalize_phone


def network_figures():
    """Headline figures for the home page, two queries whatever the size of the network."""
    cities = City.objects.filter(is_active=True).aggregate(n=Count("id"))
    communities = Community.objects.aggregate(n=Count("id"), households=Sum("households"))
    groups = SavingsGroup.objects.aggregate(
        n=Count("id"), members=Sum("members"), savings=Sum("savings_balance")
    )
    return {
        "cities": cities["n"],
        "communities": communities["n"],
        "households": communities["households"] or 0,
        "savings_groups": groups["n"],
        "savers": groups["members"] or 0,
        "savings": groups["savings"] or 0,
    }


def memberships_for_display(user):
    """A user's memberships with their places, for "My work"."""
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("city", "ward__city", "community__ward__city")
        .order_by("role")
    )


@dataclass(frozen=True)
class PersonMatch:
    """An existing person a new entry matched, and why (a stable code plus a sentence)."""

    person: Person
    reason: str

    REASONS = {
        "phone": _("same phone number"),
        "roster_name": _("same name already on this list"),
        "name_year_city": _("same name and year of birth in the same city"),
    }

    @property
    def reason_label(self):
        return self.REASONS[self.reason]


def person_find_match(*, name, phone="", year_of_birth=None, city=None, among=None):
    """The existing person a new entry (a walk-in, an imported row) stands for, or None.

    Rules, first hit wins: the same phone number; the same folded name among `among` (a
    Person queryset such as a session's roster) with no conflicting phone or year; the same
    folded name and year of birth in the same city with no conflicting phone.
    """
    phone_normalized = normalize_phone(phone)
    if phone_normalized:
        person = Person.objects.filter(phone_normalized=phone_normalized).order_by("pk").first()
        if person is not None:
            return PersonMatch(person, "phone")
    name_folded = fold(name)
    if not name_folded:
        return None

    def compatible(qs):
        if phone_normalized:
            qs = qs.filter(Q(phone_normalized="") | Q(phone_normalized=phone_normalized))
        return qs

    if among is not None:
        qs = compatible(among.filter(name_folded=name_folded))
        if year_of_birth:
            qs = qs.filter(Q(year_of_birth__isnull=True) | Q(year_of_birth=year_of_birth))
        person = qs.order_by("pk").first()
        if person is not None:
            return PersonMatch(person, "roster_name")
    if year_of_birth and city is not None:
        qs = compatible(
            Person.objects.filter(city=city, name_folded=name_folded, year_of_birth=year_of_birth)
        )
        person = qs.order_by("pk").first()
        if person is not None:
            return PersonMatch(person, "name_year_city")
    return None


def person_duplicate_groups(limit=50):
    """Likely duplicates for the staff merge screen: people sharing a phone number, or a
    folded name and year of birth in one city. Two grouped queries find the keys, one more
    loads their people (portable: no array aggregates)."""
    phones = list(
        Person.objects.exclude(phone_normalized="")
        .values("phone_normalized")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n", "phone_normalized")
        .values_list("phone_normalized", flat=True)[:limit]
    )
    keys = list(
        Person.objects.exclude(year_of_birth__isnull=True)
        .exclude(city__isnull=True)
        .values("city_id", "name_folded", "year_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n", "name_folded")
        .values_list("city_id", "name_folded", "year_of_birth")[:limit]
    )
    key_q = Q(phone_normalized__in=phones)
    for city_id, name_folded, year in keys:
        key_q |= Q(city_id=city_id, name_folded=name_folded, year_of_birth=year)
    by_phone, by_key = {}, {}
    for person in Person.objects.filter(key_q).select_related("city").order_by("pk"):
        if person.phone_normalized in phones:
            by_phone.setdefault(person.phone_normalized, []).append(person)
        key = (person.city_id, person.name_folded, person.year_of_birth)
        if key in keys:
            by_key.setdefault(key, []).append(person)
    groups = [
        {"reason": PersonMatch.REASONS["phone"], "people": by_phone[p]} for p in phones if p in by_phone
    ]
    groups += [
        {"reason": PersonMatch.REASONS["name_year_city"], "people": by_key[k]}
        for k in keys
        if len(by_key.get(k, [])) > 1
    ]
    return groups


def person_related_counts(person):
    """How many records of each kind point at a person (for the merge preview)."""
    counts = []
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many:
            n = rel.through._default_manager.filter(**{rel.field.m2m_reverse_field_name(): person}).count()
        else:
            n = model._default_manager.filter(**{rel.field.name: person}).count()
        if n:
            counts.append((model._meta.verbose_name_plural, n))
    return counts
