"""The scoped-role permission API (Plone's local roles), used by every app.

A model joins in by declaring `scope_paths`: for each level it belongs to, the ORM path
from the model to that place ("" for the place itself), e.g. a proposal::

    scope_paths = {"community": "community", "ward": "community__ward",
                   "city": "community__ward__city"}

A membership covers an object when its place is the object's place at the same level:
a ward officer of ward W covers W's communities and their records; a city official covers
every ward of the city; a national membership covers everything. A level the model does
not declare is never covered (a ward officer has no say over a city-wide training session).
"""

from collections.abc import Iterable

from django.db.models import Q

from .models import Membership, Role, Scope

_CACHE_ATTR = "_portal_memberships"


def memberships_of(user):
    """The user's active memberships, read once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user):
    """Drop the per-user cache after memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _roles(role):
    if isinstance(role, str):
        return {role}
    return set(role)


def _place_id(obj, path):
    """Follow `path` ("community__ward") from obj and return the id of the place it ends at,
    reading `<fk>_id` at the last hop so a select_related object costs no query."""
    if path == "":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def object_places(obj):
    """{level: place id} for an object with `scope_paths`."""
    paths = getattr(type(obj), "scope_paths", None)
    if paths is None:
        raise TypeError(f"{type(obj).__name__} declares no scope_paths")
    return {level: _place_id(obj, path) for level, path in paths.items()}


def _covers(membership, places):
    if membership.scope == Scope.NATIONAL:
        return True
    place_id = {
        Scope.COMMUNITY: membership.community_id,
        Scope.WARD: membership.ward_id,
        Scope.CITY: membership.city_id,
    }[membership.scope]
    return places.get(str(membership.scope)) == place_id and place_id is not None


def user_has_role(user, role: str | Iterable[str], obj=None) -> bool:
    """Does the user hold `role` (or one of several) over `obj`? With no obj: anywhere."""
    wanted = _roles(role)
    memberships = [m for m in memberships_of(user) if m.role in wanted]
    if obj is None:
        return bool(memberships)
    places = object_places(obj)
    return any(_covers(m, places) for m in memberships)


def user_roles(user, obj) -> set[str]:
    """Every role the user holds over obj."""
    places = object_places(obj)
    return {m.role for m in memberships_of(user) if _covers(m, places)}


# "Every row", spelled so it survives being OR-ed: Django drops an empty Q() from `Q() | q`,
# which would turn a national role's "everything" into the other operand's restriction.
EVERY_ROW = Q(pk__isnull=False)


def scope_q(model, user, role: str | Iterable[str]) -> Q:
    """A Q selecting the rows of `model` the user covers in `role`; matches nothing if none.
    Safe to combine with & and | (never an empty Q)."""
    wanted = _roles(role)
    paths = model.scope_paths
    q = Q(pk__in=[])
    for membership in memberships_of(user):
        if membership.role not in wanted:
            continue
        if membership.scope == Scope.NATIONAL:
            return EVERY_ROW
        level = str(membership.scope)
        if level not in paths:
            continue
        path = paths[level]
        lookup = "pk" if path == "" else f"{path}_id"
        q |= Q(**{lookup: membership.scope_object_id})
    return q


def scope_filter(queryset, user, role: str | Iterable[str]):
    """Narrow a queryset to the rows the user covers in `role`."""
    return queryset.filter(scope_q(queryset.model, user, role))


def places_of(user, role: str | Iterable[str]):
    """The memberships of the user in role(s); for pickers ("which community do I submit for")."""
    wanted = _roles(role)
    return [m for m in memberships_of(user) if m.role in wanted]


__all__ = [
    "Role",
    "Scope",
    "forget_memberships",
    "memberships_of",
    "object_places",
    "places_of",
    "scope_filter",
    "scope_q",
    "user_has_role",
    "user_roles",
]
