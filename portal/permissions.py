"""The permission API (Plone's local roles), used by every app.

Two ways to hold a role over a record, both declared on the model and honoured by every
function below (so guards, worklists, visibility filters and notifications agree):

1. **Scoped roles** through a `Membership` (user, role, place). A model says where it lives with
   `scope_paths`: for each level, the ORM path from the model to that place ("" for the place
   itself). A level may list several paths, for a record that belongs to two places::

       scope_paths = {"community": "community", "ward": "community__ward",
                      "city": "community__ward__city"}
       scope_paths = {"city": ("host_city", "visiting_cities")}   # an exchange between cities

   A membership covers a record when its place is one of the record's places at that level; a
   national membership covers everything. A level the model does not declare is never covered.

2. **Per-object roles** (Plone's local roles on one record): `local_roles` names, per role, the
   relation (a foreign key or many-to-many to the user) whose users hold that role *on this
   record*::

       local_roles = {Role.TRAINER: LocalRole("trainers")}            # listed, and in scope
       local_roles = {Role.AUTHOR: LocalRole("author", within_scope=False)}

   With `within_scope` (the default) the user must be named by the relation *and* hold the
   role through a membership covering the record: a trainer acts on the sessions they are
   listed on, in the cities their trainer role covers. Without it, being named is enough.

3. **Place roles**: a role held over a record through only *some* of its places. An exchange
   lives in two cities (both secretaries read it), but only the host city's secretary plans
   and reports::

       scope_paths = {"city": ("host_city", "visiting_cities")}
       local_roles = {"host_secretary": PlaceRole(Role.CDF_SECRETARY, {"city": "host_city"})}

   `Allow("host_secretary")` then means: a CDF secretary whose membership covers the record's
   host city. Guards, worklist Qs, visibility and notifications all read the same declaration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db.models import Q

from .models import Membership, Role, Scope

_CACHE_ATTR = "_portal_memberships"

# "Every row", spelled so it survives being OR-ed: Django drops an empty Q() from `Q() | q`,
# which would turn a national role's "everything" into the other operand's restriction.
EVERY_ROW = Q(pk__isnull=False)
NO_ROW = Q(pk__in=[])


@dataclass(frozen=True)
class LocalRole:
    """Users named on a record through `path` hold the role on it (see the module doc)."""

    path: str
    within_scope: bool = True


@dataclass(frozen=True)
class PlaceRole:
    """`role`, held over a record only through the places `paths` lead to (see the module
    doc). `paths` is like `scope_paths`: {level: path or paths}. `label` names it in diagrams."""

    role: str
    paths: dict
    label: str = ""

    def level_paths(self) -> dict[str, tuple[str, ...]]:
        return {level: (p,) if isinstance(p, str) else tuple(p) for level, p in self.paths.items()}


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


def _roles(role) -> set[str]:
    if isinstance(role, str):
        return {str(role)}
    return {str(r) for r in role}


def _paths(model) -> dict[str, tuple[str, ...]]:
    paths = getattr(model, "scope_paths", None)
    if paths is None:
        raise TypeError(f"{model.__name__} declares no scope_paths")
    return {level: (p,) if isinstance(p, str) else tuple(p) for level, p in paths.items()}


def local_roles_of(model) -> dict[str, LocalRole | PlaceRole]:
    return {str(role): spec for role, spec in getattr(model, "local_roles", {}).items()}


@cache
def _is_multi(model, path: str) -> bool:
    """Does `path` cross a to-many relation (so a filter on it could repeat rows)?"""
    current = model
    for hop in path.split("__"):
        field = current._meta.get_field(hop)
        if field.many_to_many or field.one_to_many:
            return True
        current = field.related_model
    return False


def _ids_at(obj, path) -> set:
    """Ids of the rows `path` ("community__ward", "visiting_cities") leads to from obj. The last
    hop of a foreign key reads `<fk>_id`, so a select_related object costs no query; a to-many
    hop reads the (prefetched, where the caller prefetched) related rows."""
    if path == "":
        return {obj.pk}
    objs = [obj]
    *hops, last = path.split("__")
    for hop in hops:
        nxt = []
        for o in objs:
            value = getattr(o, hop, None)
            if value is None:
                continue
            nxt.extend(value.all() if hasattr(value, "all") else [value])
        objs = nxt
    ids = set()
    for o in objs:
        value = getattr(o, last, None)
        if hasattr(value, "all"):  # to-many
            ids.update(item.pk for item in value.all())
        elif f"{last}_id" in o.__dict__:
            if o.__dict__[f"{last}_id"] is not None:
                ids.add(o.__dict__[f"{last}_id"])
        elif value is not None:
            ids.add(value.pk)
    return ids


def object_places(obj, paths=None) -> dict[str, set]:
    """{level: set of place ids} for an object with `scope_paths` (or the given level paths)."""
    return {
        level: set().union(*(_ids_at(obj, path) for path in level_paths))
        for level, level_paths in (paths or _paths(type(obj))).items()
    }


def _covers(membership, places) -> bool:
    if membership.scope == Scope.NATIONAL:
        return True
    place_id = membership.scope_object_id
    return place_id is not None and place_id in places.get(str(membership.scope), ())


def named_user_ids(obj, role) -> set:
    """Ids of the users a record names for a local role (empty when the role is not local)."""
    spec = local_roles_of(type(obj)).get(str(role))
    if not isinstance(spec, LocalRole) or obj.pk is None:
        return set()
    cache_name = f"_named_{spec.path}"
    cached = getattr(obj, cache_name, None)
    if cached is None:
        cached = _ids_at(obj, spec.path)
        setattr(obj, cache_name, cached)
    return cached


def user_has_role(user, role: str | Iterable[str], obj=None) -> bool:
    """Does the user hold `role` (or one of several) over `obj`? With no obj: anywhere."""
    wanted = _roles(role)
    if obj is None:
        return any(m.role in wanted for m in memberships_of(user))
    if user is None or not user.is_authenticated:
        return False
    local = local_roles_of(type(obj))
    places = None
    for r in wanted:
        spec = local.get(r)
        if isinstance(spec, PlaceRole):
            spec_places = object_places(obj, spec.level_paths())
            if any(m.role == str(spec.role) and _covers(m, spec_places) for m in memberships_of(user)):
                return True
            continue
        if spec is not None:
            if user.pk not in named_user_ids(obj, r):
                continue
            if not spec.within_scope:
                return True
        if places is None:
            places = object_places(obj)
        if any(m.role == r and _covers(m, places) for m in memberships_of(user)):
            return True
    return False


def user_roles(user, obj) -> set[str]:
    """Every role the user holds over obj, local roles included."""
    candidates = {m.role for m in memberships_of(user)} | set(local_roles_of(type(obj)))
    return {r for r in candidates if user_has_role(user, r, obj)}


def _place_q(model, level, place_id, paths=None) -> Q:
    q = NO_ROW
    for path in (paths or _paths(model)).get(level, ()):
        if path == "":
            q |= Q(pk=place_id)
        elif _is_multi(model, path):
            q |= Q(pk__in=model._default_manager.filter(**{path: place_id}).values("pk"))
        else:
            q |= Q(**{f"{path}_id": place_id})
    return q


def _named_q(model, user, spec: LocalRole) -> Q:
    if _is_multi(model, spec.path):
        return Q(pk__in=model._default_manager.filter(**{spec.path: user.pk}).values("pk"))
    return Q(**{f"{spec.path}_id": user.pk})


def scope_q(model, user, role: str | Iterable[str]) -> Q:
    """A Q selecting the rows of `model` over which the user holds `role` (local roles
    included); matches nothing if none. Safe to combine with & and | (never an empty Q)."""
    wanted = _roles(role)
    local = local_roles_of(model)
    paths = _paths(model)
    q = NO_ROW
    if user is None or not user.is_authenticated:
        return q
    for r in wanted:
        spec = local.get(r)
        role_paths, held_as = paths, r
        if isinstance(spec, PlaceRole):
            role_paths, held_as, spec = spec.level_paths(), str(spec.role), None
        elif spec is not None and not spec.within_scope:
            q |= _named_q(model, user, spec)
            continue
        scoped = NO_ROW
        for membership in memberships_of(user):
            if membership.role != held_as:
                continue
            if membership.scope == Scope.NATIONAL:
                scoped = EVERY_ROW
                break
            level = str(membership.scope)
            if level in role_paths:
                scoped |= _place_q(model, level, membership.scope_object_id, role_paths)
        if scoped == NO_ROW:
            continue
        if spec is not None:
            scoped = scoped & _named_q(model, user, spec)
        elif scoped == EVERY_ROW:
            return EVERY_ROW
        q |= scoped
    return q


def scope_filter(queryset, user, role: str | Iterable[str]):
    """Narrow a queryset to the rows over which the user holds `role`."""
    return queryset.filter(scope_q(queryset.model, user, role))


def places_of(user, role: str | Iterable[str]):
    """The memberships of the user in role(s); for pickers ("which community do I submit for")."""
    wanted = _roles(role)
    return [m for m in memberships_of(user) if m.role in wanted]


def may_hold(user, model, role: str | Iterable[str]) -> bool:
    """Could the user hold `role` over some row of `model`? (A cheap test that keeps a role
    the user cannot have out of the SQL.)"""
    wanted = _roles(role)
    local = local_roles_of(model)
    held = {str(local[r].role) if isinstance(local.get(r), PlaceRole) else r for r in wanted}
    if places_of(user, held):
        return True
    return bool(user is not None and user.is_authenticated) and any(
        isinstance(local.get(r), LocalRole) and not local[r].within_scope for r in wanted
    )


def users_with_role(obj, role: str | Iterable[str]):
    """Active users holding `role` over `obj` (scoped memberships and local roles): one query,
    for notifications."""
    from django.contrib.auth import get_user_model

    wanted = _roles(role)
    local = local_roles_of(type(obj))

    def covering_q(places):
        covering = Q(community__isnull=True, ward__isnull=True, city__isnull=True)
        for level, ids in places.items():
            if level in {Scope.COMMUNITY, Scope.WARD, Scope.CITY} and ids:
                covering |= Q(**{f"{level}_id__in": ids})
        return covering

    covering = covering_q(object_places(obj))
    users = Q(pk__in=[])
    for r in wanted:
        spec = local.get(r)
        if isinstance(spec, PlaceRole):
            spec_covering = covering_q(object_places(obj, spec.level_paths()))
            members = Membership.objects.active().filter(spec_covering, role=str(spec.role))
            users |= Q(pk__in=members.values("user_id"))
            continue
        if spec is not None and not spec.within_scope:
            users |= Q(pk__in=named_user_ids(obj, r))
            continue
        members = Membership.objects.active().filter(covering, role=r).values("user_id")
        part = Q(pk__in=members)
        if spec is not None:
            part &= Q(pk__in=named_user_ids(obj, r))
        users |= part
    return get_user_model().objects.filter(users, is_active=True)


__all__ = [
    "EVERY_ROW",
    "LocalRole",
    "PlaceRole",
    "Role",
    "Scope",
    "forget_memberships",
    "local_roles_of",
    "may_hold",
    "memberships_of",
    "named_user_ids",
    "object_places",
    "places_of",
    "scope_filter",
    "scope_q",
    "user_has_role",
    "user_roles",
    "users_with_role",
]
