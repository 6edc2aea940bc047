"""Read queries the portal's pages reuse."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from .models import City, Community, Membership, Person, SavingsGroup
from .permissions import scope_q
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


class PersonMatcher:
    """The rules that say which existing person a new entry (a walk-in, an imported row)
    stands for. First hit wins:

    1. the same phone number (the registry's oldest person with it);
    2. the same folded name among `among` (a Person queryset such as a session's roster)
       with no conflicting phone or year of birth;
    3. the same folded name and year of birth in the same city, with no conflicting phone.

    Candidates are read up front for every name and phone given (a whole sheet: a few
    queries, not three per row), then each entry is matched in memory. `remember()` adds a
    person created meanwhile, so later entries of the same batch find them too.

    `within` (a Person queryset: the people the acting user covers, e.g. `people_in_scope`)
    limits rules 1 and 3: nobody learns through a match that a phone number or a name belongs
    to someone in a city they do not cover. Without a match a new person is made; staff merge
    the duplicate later (`person_duplicate_groups`)."""

    CHUNK = 900  # stays under SQLite's limit on query parameters

    def __init__(self, *, names=(), phones=(), city=None, among=None, within=None):
        self.city = city
        registry = Person.objects.all() if within is None else within
        self.by_phone, self.among, self.in_city = {}, defaultdict(list), defaultdict(list)
        self.phone_people = defaultdict(list)  # every person with the phone, oldest first
        phones = sorted({normalize_phone(p) for p in phones} - {""})
        names = sorted({fold(n) for n in names} - {""})
        for chunk in self._chunks(phones):
            for person in registry.filter(phone_normalized__in=chunk).order_by("pk"):
                self.by_phone.setdefault(person.phone_normalized, person)
                self.phone_people[person.phone_normalized].append(person)
        for chunk in self._chunks(names):
            if among is not None:
                for person in among.filter(name_folded__in=chunk).order_by("pk").distinct():
                    self.among[person.name_folded].append(person)
            if city is not None:
                for person in registry.filter(
                    city=city, name_folded__in=chunk, year_of_birth__isnull=False
                ).order_by("pk"):
                    self.in_city[person.name_folded].append(person)

    @classmethod
    def _chunks(cls, values):
        return (values[i : i + cls.CHUNK] for i in range(0, len(values), cls.CHUNK))

    def remember(self, person):
        if person.phone_normalized:
            self.by_phone.setdefault(person.phone_normalized, person)
            self.phone_people[person.phone_normalized].append(person)
        if self.city is not None and person.city_id == self.city.pk and person.year_of_birth:
            self.in_city[person.name_folded].append(person)

    def match(self, *, name, phone="", year_of_birth=None, accept=None):
        """The person an entry stands for, or None. `accept(person)` narrows the candidates
        (e.g. to people in the cities the user covers: a match elsewhere is neither shown
        nor used, so nobody learns of a person outside their scope)."""
        ok = accept or (lambda person: True)
        phone_normalized = normalize_phone(phone)
        if phone_normalized:
            if accept is None and phone_normalized in self.by_phone:
                return PersonMatch(self.by_phone[phone_normalized], "phone")
            for person in self.phone_people.get(phone_normalized, ()):
                if ok(person):
                    return PersonMatch(person, "phone")
        name_folded = fold(name)
        if not name_folded:
            return None

        def compatible(person):
            return ok(person) and (not phone_normalized or person.phone_normalized in ("", phone_normalized))

        for person in self.among.get(name_folded, ()):
            year_ok = not year_of_birth or person.year_of_birth in (None, year_of_birth)
            if compatible(person) and year_ok:
                return PersonMatch(person, "roster_name")
        if year_of_birth and self.city is not None:
            for person in self.in_city.get(name_folded, ()):
                if person.year_of_birth == year_of_birth and compatible(person):
                    return PersonMatch(person, "name_year_city")
        return None


def people_in_scope(user, roles):
    """The registry's people in the places where the user holds one of `roles` (everyone for a
    national role): what person matching may reveal to them."""
    return Person.objects.filter(scope_q(Person, user, roles))


def person_find_match(*, name, phone="", year_of_birth=None, city=None, among=None, within=None, accept=None):
    """The existing person one new entry stands for, or None (rules: `PersonMatcher`)."""
    matcher = PersonMatcher(names=[name], phones=[phone], city=city, among=among, within=within)
    return matcher.match(name=name, phone=phone, year_of_birth=year_of_birth, accept=accept)


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
