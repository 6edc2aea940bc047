"""Who may find a record, in two forms that must agree (a test keeps them equal):

- `visible_q(searchable, user)`: the database backends filter on it: by default the record's
  workflow `visible_q(user)`, the same Q the record's own pages use;
- access keys, Plone's `allowedRolesAndUsers`, for Elasticsearch (no joins): each indexed record
  carries `record_keys(obj)`, derived generically from the workflow's `view_roles` for the
  record's state, its places (`object_places`) and its local roles (`named_user_ids`); a user
  finds it when one of `user_keys(user)` is among them.

Keys: "anyone", "logged_in"; "<role>@national", "<role>@<level>:<place id>" for a role held
through a membership; "<role>/user:<id>@national", "<role>/user:<id>@<level>:<place id>" for a
local role held within scope (named on the record and a member there); "<role>/user:<id>" for a
local role that needs no membership.
"""

from __future__ import annotations

from portal.models import Scope
from portal.permissions import (
    LocalRole,
    PlaceRole,
    local_roles_of,
    memberships_of,
    named_user_ids,
    object_places,
)
from workflows.engine import ANYONE, LOGGED_IN, workflow_for

ANYONE_KEY = "anyone"
LOGGED_IN_KEY = "logged_in"


def visible_q(searchable, user):
    if searchable.visible_q is not None:
        return searchable.visible_q(user)
    return workflow_for(searchable.model).visible_q(user)


def _place_keys(prefix, places):
    keys = [f"{prefix}@national"]
    for level, ids in places.items():
        keys += [f"{prefix}@{level}:{pk}" for pk in sorted(ids)]
    return keys


def record_keys(searchable, obj) -> list[str]:
    if searchable.access_keys is not None:
        return sorted(set(searchable.access_keys(obj)))
    wf = workflow_for(obj)
    roles = wf.view_roles.get(str(wf.state_of(obj)), ())
    local = local_roles_of(type(obj))
    places = None
    keys = set()
    for role in roles:
        if role == ANYONE:
            if wf.public is None or wf.public(obj):
                keys.add(ANYONE_KEY)
            continue
        if role == LOGGED_IN:
            keys.add(LOGGED_IN_KEY)
            continue
        if places is None:
            places = object_places(obj)
        spec = local.get(role)
        if spec is None:
            keys.update(_place_keys(role, places))
            continue
        if isinstance(spec, PlaceRole):  # the real role, through only some of the places
            keys.update(_place_keys(str(spec.role), object_places(obj, spec.level_paths())))
            continue
        for uid in sorted(named_user_ids(obj, role)):
            if spec.within_scope:
                keys.update(_place_keys(f"{role}/user:{uid}", places))
            else:
                keys.add(f"{role}/user:{uid}")
    return sorted(keys)


def user_keys(user) -> list[str]:
    keys = {ANYONE_KEY}
    if user is None or not user.is_authenticated:
        return sorted(keys)
    keys.add(LOGGED_IN_KEY)
    local_roles = set()
    for s in _local_role_specs():
        local_roles |= s
    for m in memberships_of(user):
        place = "national" if m.scope == Scope.NATIONAL else f"{m.scope}:{m.scope_object_id}"
        keys.add(f"{m.role}@{place}")
        keys.add(f"{m.role}/user:{user.pk}@{place}")
    # local roles that need no membership
    for role in local_roles:
        keys.add(f"{role}/user:{user.pk}")
    return sorted(keys)


def _local_role_specs():
    from portal.searchable import searchables

    for s in searchables():
        yield {
            role
            for role, spec in local_roles_of(s.model).items()
            if isinstance(spec, LocalRole) and not spec.within_scope
        }
