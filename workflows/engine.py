"""The workflow engine (Plone-style), generic and with no domain models.

A tracked model declares its lifecycle where a reader looks for it: on the model, one
``@action(...)`` per transition (django-fsm-2's ``@transition`` plus django-fsm-log's
``by``/``description`` recording, declared once however many source states it has)::

    @action(field="state", source=[S.SUBMITTED, S.ENDORSED], target=S.REJECTED,
            guard=Guard(Allow(Role.CITY_OFFICIAL, sources=[S.ENDORSED]),
                        Allow(Role.CITY_OFFICIAL, when=NO_WARD_STEP, sources=[S.SUBMITTED])),
            label=_("Reject"), comment_required=True, style="danger")
    def reject(self, by=None, description=None): ...

- ``Guard(Allow(role, ..., when=condition, sources=...))``: who may fire it (scoped roles and
  per-object roles through `portal.permissions`), optionally only from some of its sources or
  when a (policy) condition holds. A guard is django-fsm's per-object ``permission`` *and*
  becomes a ``Q``, so a worklist is one query, not a loop. A transition without a guard is
  refused (and `register` refuses such a declaration).
- ``conditions=[Condition(...)]``: business conditions, likewise callable and convertible to Q.

``Workflow`` adds what django-fsm has no place for (who may view and edit in each state, who
is told, a placeful policy), ``register`` puts it in the registry read by worklists,
diagrams, notifications and search, and ``transition_fire`` is the one way to fire.
"""

from __future__ import annotations

import contextvars
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransition, can_proceed, has_transition_perm, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from django_fsm_log.models import StateLog

from portal.permissions import EVERY_ROW, NO_ROW, local_roles_of, may_hold, scope_q, user_has_role
from portal.text import display_name

logger = logging.getLogger(__name__)

# Sent (robustly: each receiver on its own) after the transaction that fired a transition
# commits. Notifications and search indexing listen here. kwargs: instance, name, source,
# target, by, comment, notify (False for transitions fired under `notifications.muted()`).
transition_committed = Signal()

# Whether transitions fired in this context should notify people. Read when a transition is
# fired (its effects run later, after commit, when the caller's context is gone) and sent with
# `transition_committed` as `notify`. `workflows.notifications.muted()` turns it off.
NOTIFY = contextvars.ContextVar("workflows_notify", default=True)

# Pseudo-roles for view maps: anyone logged in, and anyone at all (the latter only for records
# the workflow's `public` condition lets through).
LOGGED_IN = "logged_in"
ANYONE = "anyone"
PSEUDO_ROLES = {LOGGED_IN, ANYONE}


# --- errors ---------------------------------------------------------------------------------


class WorkflowError(Exception):
    """The one domain error of workflow actions; views show `message` to the user."""

    def __init__(self, message, *, field_errors=None):
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}

    def __str__(self):
        return str(self.message)

    @classmethod
    def from_validation_error(cls, exc: ValidationError):
        if hasattr(exc, "error_dict"):
            errors = {
                name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()
            }
            text = "; ".join(m for msgs in errors.values() for m in msgs)
            return cls(text, field_errors=errors)
        return cls("; ".join(exc.messages))


class TransitionRefused(WorkflowError):
    """The user may not do this now (no role, wrong state, a condition fails, bad input)."""


class TransitionConflict(WorkflowError):
    """Someone else changed the record first (the loser of a race, a stale page)."""


# --- declarations ---------------------------------------------------------------------------


class Condition:
    """A business or policy condition, usable by django-fsm (called with the instance) and by
    worklists (`q()`, a filter on the model). `policy(p)` answers for a policy object alone,
    so the diagram can show a city's own workflow; None when the condition is not a policy."""

    def __init__(
        self,
        label,
        check: Callable[[object], bool],
        q: Callable[[], Q],
        policy: Callable[[object], bool] | None = None,
    ):
        self.label = label
        self.check = check
        self.q = q
        self.policy = policy

    def __call__(self, instance) -> bool:
        return bool(self.check(instance))

    def __invert__(self) -> Condition:
        policy = self.policy
        return Condition(
            _("not: %(label)s") % {"label": self.label},
            lambda obj: not self.check(obj),
            lambda: ~self.q(),
            (lambda p: not policy(p)) if policy else None,
        )

    def __repr__(self):
        return f"Condition({self.label})"


@dataclass(frozen=True)
class Allow:
    """One way through a guard: any of `roles` over the object (scoped or per-object), when
    `when` holds, from `sources` (None: every source of the transition). `model_roles` names a
    model attribute listing more roles, so an abstract workflow (publication) lets each
    concrete model say who authors and who publishes."""

    roles: tuple[str, ...]
    when: Condition | None = None
    sources: frozenset | None = None
    model_roles: str | None = None

    def __init__(self, *roles, when=None, sources=None, model_roles=None):
        object.__setattr__(self, "roles", tuple(str(r) for r in roles))
        object.__setattr__(self, "when", when)
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources) if sources else None)
        object.__setattr__(self, "model_roles", model_roles)

    def roles_for(self, model) -> tuple[str, ...]:
        extra = tuple(str(r) for r in getattr(model, self.model_roles, ())) if self.model_roles else ()
        return self.roles + extra

    def applies_from(self, source) -> bool:
        return self.sources is None or str(source) in self.sources


class Guard:
    """A django-fsm `permission`: the roles (and policy conditions) that may fire."""

    def __init__(self, *allows: Allow):
        self.allows = allows
        self.field_name = None  # set by @action

    def _state(self, instance):
        return getattr(instance, self.field_name) if self.field_name else None

    def __call__(self, instance, user) -> bool:
        state = self._state(instance)
        model = type(instance)
        return any(
            allow.applies_from(state)
            and user_has_role(user, allow.roles_for(model), instance)
            and (allow.when is None or allow.when(instance))
            for allow in self.allows
        )

    def allows_from(self, source):
        return [allow for allow in self.allows if allow.applies_from(source)]

    def q(self, model, user, source=None) -> Q | None:
        """The rows `user` may fire on (from `source`), or None when the user cannot hold any
        of the roles (so the branch stays out of the SQL)."""
        parts = []
        for allow in self.allows:
            if source is not None and not allow.applies_from(source):
                continue
            roles = allow.roles_for(model)
            if not may_hold(user, model, roles):
                continue
            part = scope_q(model, user, roles)
            if allow.when is not None:
                part &= allow.when.q()
            parts.append(part)
        return reduce(or_, parts) if parts else None

    def roles_for(self, model, source=None) -> set[str]:
        return {r for allow in self.allows_from(source) for r in allow.roles_for(model)}


def action(
    *,
    field: str,
    source,
    target,
    guard: Guard,
    label,
    comment_required: bool = False,
    style: str = "",
    conditions: Iterable[Condition] = (),
    **custom,
):
    """Declare one transition, once: django-fsm's `@transition` for every source, with its
    guard, conditions, label and comment rule, plus django-fsm-log's recording of who and why.
    The method takes `by=` and `description=`."""
    if not isinstance(guard, Guard) or not guard.allows:
        raise ImproperlyConfigured(f"Transition to {target!r} needs a Guard with at least one Allow.")
    guard.field_name = field

    def decorate(func):
        fired = transition(
            field=field,
            source=source,
            target=target,
            conditions=list(conditions),
            permission=guard,
            custom={"label": label, "comment_required": comment_required, "style": style, **custom},
        )(func)
        return fsm_log_by(fsm_log_description(fired))

    return decorate


@dataclass(frozen=True)
class Action:
    """A transition as a page, the admin or a worklist shows it."""

    name: str
    label: str
    comment_required: bool
    style: str
    form: str


@dataclass(eq=False)
class Workflow:
    """What django-fsm does not declare: view/edit roles per state, who is told, a policy."""

    model: type
    field_name: str = "state"
    # state -> roles that may view / edit a record in that state (LOGGED_IN / ANYONE allowed)
    view_roles: dict[str, Iterable[str]] = field(default_factory=dict)
    edit_roles: dict[str, Iterable[str]] = field(default_factory=dict)
    # roles told about every decision on a record (e.g. the community that owns it)
    owner_roles: tuple[str, ...] = ()
    # select_related paths that make guards cost no query
    related: tuple[str, ...] = ()
    # prefetch_related paths (e.g. the users named for a local role)
    prefetch: tuple[str, ...] = ()
    # records in a state open to ANYONE are public only when this holds (e.g. "marked public")
    public: Condition | None = None
    # city -> the placeful policy object conditions read (None: the workflow has no policy)
    policy_for: Callable | None = None
    # where the whole worklist of this record type is (shown under "Awaiting my action")
    worklist_url: str = ""

    def __post_init__(self):
        self.view_roles = {str(k): tuple(str(r) for r in v) for k, v in self.view_roles.items()}
        self.edit_roles = {str(k): tuple(str(r) for r in v) for k, v in self.edit_roles.items()}

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def field(self):
        return self.model._meta.get_field(self.field_name)

    @property
    def initial_state(self):
        return self.field.get_default()

    def state_label(self, code):
        return dict(self.field.flatchoices).get(code, code)

    def transitions(self):
        """Every (source, django_fsm.Transition) pair, in declaration order."""
        return [(t.source, t) for t in self.field.get_all_transitions(self.model)]

    def transition_names(self) -> list[str]:
        names = []
        for _source, t in self.transitions():
            if t.name not in names:
                names.append(t.name)
        return names

    def spec(self, name):
        for _source, t in self.transitions():
            if t.name == name:
                return t
        raise KeyError(name)

    def transition_label(self, name):
        return self.spec(name).custom.get("label", name)

    def comment_required(self, name) -> bool:
        return bool(self.spec(name).custom.get("comment_required"))

    def undeclared_guards(self) -> list[str]:
        """Transitions with no Guard (each is refused; `register` rejects them)."""
        return sorted(
            {
                t.name
                for _s, t in self.transitions()
                if not isinstance(t.permission, Guard) or not t.permission.allows
            }
        )

    # per-object permission ------------------------------------------------------------------
    def state_of(self, obj):
        return getattr(obj, self.field_name)

    def _may(self, roles, user, obj) -> bool:
        if not roles:
            return False
        if ANYONE in roles and (self.public is None or self.public(obj)):
            return True
        if LOGGED_IN in roles and user is not None and user.is_authenticated:
            return True
        real = [r for r in roles if r not in PSEUDO_ROLES]
        return bool(real) and user_has_role(user, real, obj)

    def can_view(self, user, obj) -> bool:
        return self._may(self.view_roles.get(str(self.state_of(obj)), ()), user, obj)

    def can_edit(self, user, obj) -> bool:
        return self._may(self.edit_roles.get(str(self.state_of(obj)), ()), user, obj)

    def _roles_q(self, roles_by_state, user) -> Q:
        by_roles: dict[frozenset, list[str]] = {}
        for state, roles in roles_by_state.items():
            by_roles.setdefault(frozenset(roles), []).append(state)
        parts = []
        logged_in = user is not None and user.is_authenticated
        for roles, states in by_roles.items():
            in_states = Q(**{f"{self.field_name}__in": states})
            if LOGGED_IN in roles and logged_in:
                parts.append(in_states)
                continue
            if ANYONE in roles:
                parts.append(in_states & (self.public.q() if self.public else EVERY_ROW))
            real = [r for r in roles if r not in PSEUDO_ROLES]
            if real and may_hold(user, self.model, real):
                parts.append(in_states & scope_q(self.model, user, real))
        return reduce(or_, parts, NO_ROW)

    def visible_q(self, user) -> Q:
        """Rows the user may view, from the state -> roles map: one Q, no loop over rows."""
        return self._roles_q(self.view_roles, user)

    def editable_q(self, user) -> Q:
        return self._roles_q(self.edit_roles, user)

    def available_transitions(self, obj, user) -> list[str]:
        """Transitions `user` may fire on `obj` now (django-fsm's own per-object check; a
        transition without a guard is never available)."""
        unguarded = self.undeclared_guards()
        return [
            name
            for name in self.transition_names()
            if name not in unguarded and has_transition_perm(getattr(obj, name), user)
        ]

    def actions_for(self, obj, user) -> list[Action]:
        """What the page, the admin and the worklist offer `user` on `obj` now."""
        result = []
        for name in self.available_transitions(obj, user):
            custom = self.spec(name).custom
            result.append(
                Action(
                    name=name,
                    label=custom.get("label", name),
                    comment_required=bool(custom.get("comment_required")),
                    style=custom.get("style", ""),
                    form=custom.get("form", ""),
                )
            )
        return result

    def worklist_q(self, user) -> Q:
        """Rows where `user` may fire some transition now, as one Q built from the declaration
        (source state & guard's roles & its policy conditions & business conditions)."""
        parts = []
        for source, t in self.transitions():
            if not isinstance(t.permission, Guard):
                continue
            guard_q = t.permission.q(self.model, user, source)
            if guard_q is None:
                continue
            q = Q(**{self.field_name: source}) & guard_q
            for condition in t.conditions:
                q &= condition.q()
            if q not in parts:
                parts.append(q)
        return reduce(or_, parts, NO_ROW)

    def next_actor_roles(self, obj) -> set[str]:
        """Roles that may fire some transition from obj's current state (policy and business
        conditions applied): who is told that it is their turn."""
        state = str(self.state_of(obj))
        roles = set()
        for source, t in self.transitions():
            if str(source) != state or not isinstance(t.permission, Guard):
                continue
            if not all(condition(obj) for condition in t.conditions):
                continue
            for allow in t.permission.allows_from(source):
                if allow.when is None or allow.when(obj):
                    roles.update(allow.roles_for(self.model))
        return roles

    def targets(self, t, policy=None) -> list[str]:
        """Possible target states of a transition (GET_STATE lists its allowed states);
        with a policy object, the ones that policy can reach."""
        target = t.target
        if isinstance(target, GET_STATE):
            chooser = t.custom.get("policy_target")
            if policy is not None and chooser is not None:
                return list(chooser(policy))
            return list(target.allowed_states)
        return [target]

    def graph(self, policy=None):
        """Edges for diagrams: dicts with source, targets, name, label, roles, conditions.
        With a policy object, alternatives that policy switches off are left out."""
        edges = []
        for source, t in self.transitions():
            guard = t.permission if isinstance(t.permission, Guard) else Guard()
            ways = []
            for allow in guard.allows_from(source):
                switched_off = policy is not None and allow.when is not None and allow.when.policy is not None
                if switched_off and not allow.when.policy(policy):
                    continue
                ways.append(
                    {
                        "roles": [str(self.role_label(r)) for r in allow.roles_for(self.model)],
                        "when": str(allow.when.label) if allow.when and policy is None else "",
                    }
                )
            if not ways:
                continue
            edges.append(
                {
                    "source": source,
                    "source_label": self.state_label(source),
                    "targets": [(s, str(self.state_label(s))) for s in self.targets(t, policy)],
                    "name": t.name,
                    "label": str(t.custom.get("label", t.name)),
                    "ways": ways,
                    "conditions": [str(c.label) for c in t.conditions],
                    "comment_required": bool(t.custom.get("comment_required")),
                }
            )
        return edges

    def steps_to(self, state, policy=None) -> list[tuple[str, str]]:
        """The shortest walk from the initial state to `state` as (transition name, state
        reached) pairs, derived from the declaration (for demo data, factories and benchmarks).
        With a policy, only the paths it allows. Raises ValueError when no path exists."""
        start = str(self.initial_state)
        state = str(state)
        seen: dict[str, list[tuple[str, str]]] = {start: []}
        queue = deque([start])
        edges = self.graph(policy)
        while queue:
            current = queue.popleft()
            if current == state:
                return seen[current]
            for edge in edges:
                if str(edge["source"]) != current:
                    continue
                for target, _label in edge["targets"]:
                    if str(target) not in seen:
                        seen[str(target)] = [*seen[current], (edge["name"], str(target))]
                        queue.append(str(target))
        raise ValueError(f"No path to {state!r} in {self.model.__name__}'s workflow")

    def path_to(self, state, policy=None) -> list[str]:
        """The transition names of `steps_to(state, policy)`."""
        return [name for name, _reached in self.steps_to(state, policy)]

    def role_label(self, code):
        """A role's name for people: the portal's roles, the pseudo-roles, and a model's own
        place roles (e.g. "CDF secretary of the host city")."""
        from portal.models import Role

        pseudo = {LOGGED_IN: _("anyone logged in"), ANYONE: _("anyone")}
        if code in pseudo:
            return pseudo[code]
        spec = local_roles_of(self.model).get(code)
        if getattr(spec, "label", ""):
            return spec.label
        try:
            return Role(code).label
        except ValueError:
            return code

    def to_dot(self, policy=None) -> str:
        lines = [f'digraph "{self.model._meta.model_name}" {{', "  rankdir=LR;", "  node [shape=box];"]
        for code, label in self.field.flatchoices:
            lines.append(f'  "{code}" [label="{label}\\n({code})"];')
        for edge in self.graph(policy):
            roles = " | ".join(
                ", ".join(w["roles"]) + (f" [{w['when']}]" if w["when"] else "") for w in edge["ways"]
            )
            for target, _label in edge["targets"]:
                lines.append(f'  "{edge["source"]}" -> "{target}" [label="{edge["label"]}\\n{roles}"];')
        lines.append("}")
        return "\n".join(lines)

    def to_mermaid(self, policy=None) -> str:
        lines = ["stateDiagram-v2"]
        for edge in self.graph(policy):
            roles = " / ".join(", ".join(w["roles"]) for w in edge["ways"])
            for target, _label in edge["targets"]:
                lines.append(f"  {edge['source']} --> {target}: {edge['label']} ({roles})")
        return "\n".join(lines)


_REGISTRY: dict[type, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Add a workflow to the registry. A transition without a guard is a declaration error."""
    missing = workflow.undeclared_guards()
    if missing:
        raise ImproperlyConfigured(
            f"{workflow.model.__name__}: transitions without a Guard: {', '.join(missing)}"
        )
    if not hasattr(workflow.model, "get_absolute_url"):
        raise ImproperlyConfigured(f"{workflow.model.__name__} needs get_absolute_url()")
    _REGISTRY[workflow.model] = workflow
    return workflow


def workflows() -> list[Workflow]:
    return list(_REGISTRY.values())


def workflow_for(model_or_obj) -> Workflow:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _REGISTRY[model._meta.concrete_model]


def worklist(user) -> dict[Workflow, object]:
    """{workflow: queryset} of every record in every registered workflow where `user` may fire
    a transition now; one query per workflow."""
    result = {}
    for wf in workflows():
        qs = wf.model._default_manager.filter(wf.worklist_q(user)).select_related(*wf.related)
        if wf.prefetch:
            qs = qs.prefetch_related(*wf.prefetch)
        result[wf] = qs
    return result


def history(obj):
    """The review history of a record: StateLog rows, oldest first, with their actors."""
    return StateLog.objects.for_(obj).select_related("by").order_by("timestamp", "pk")


def last_actor(obj):
    return StateLog.objects.for_(obj).select_related("by").order_by("-timestamp", "-pk").first()


# --- the one way to fire a transition ---------------------------------------------------------


def _validate(obj):
    """Validate what a transition may have changed: field values and the model's clean(). Foreign
    keys are not re-read (the lock just loaded them and the database enforces them) and
    constraints are left to the database (an IntegrityError becomes a refusal): each would cost
    a query per field on every transition."""
    exclude = {f.name for f in obj._meta.concrete_fields if f.is_relation}
    exclude.add(workflow_for(obj).field_name)
    obj.clean_fields(exclude=exclude)
    obj.clean()


def transition_fire(
    *,
    obj,
    name: str,
    by,
    comment: str = "",
    expected_state: str | None = None,
    before: Callable | None = None,
    effects: Callable | None = None,
    after: Callable | None = None,
):
    """Fire transition `name` on `obj` as user `by`.

    In one transaction: lock the row (select_for_update; a model's ConcurrentTransitionMixin
    is the optimistic backstop where the database cannot lock), check that the record is still
    in the state the user saw, check the comment rule, django-fsm's state/conditions and the
    guard under the lock, run `before(locked)` (the service's changes the transition depends
    on; may raise), fire, run `effects(locked)` (rows the transition creates, e.g. a ledger
    entry; may raise and so roll everything back), validate, save; the django-fsm-log entry
    records actor, time, comment and from -> to. After commit, robustly: `after(locked)` and
    the `transition_committed` signal (each receiver on its own; failures are logged, never
    raised to the user who acted). Returns the updated (locked) instance.
    Raises TransitionRefused / TransitionConflict."""
    wf = workflow_for(obj)
    comment = (comment or "").strip()
    if expected_state is None:
        expected_state = wf.state_of(obj)
    try:
        spec = wf.spec(name)
    except KeyError:
        raise TransitionRefused(_("Unknown action.")) from None
    if not isinstance(spec.permission, Guard):
        raise TransitionRefused(_("You may not do this on this record."))
    if spec.custom.get("comment_required") and not comment:
        raise TransitionRefused(
            _("Please write a comment: %(action)s needs one.") % {"action": spec.custom.get("label", name)},
            field_errors={"comment": [str(_("This action needs a comment."))]},
        )
    with transaction.atomic():
        manager = wf.model._default_manager
        qs = manager.select_for_update(of=("self",)).select_related(*wf.related)
        if wf.prefetch:
            qs = qs.prefetch_related(*wf.prefetch)
        locked = qs.get(pk=obj.pk)
        current = wf.state_of(locked)
        if current != expected_state:
            raise _conflict(wf, locked, current)
        method = getattr(locked, name)
        if not has_transition_perm(method, by):
            if not can_proceed(method, check_conditions=False):
                raise TransitionRefused(
                    _("This action is not possible while the record is %(state)s.")
                    % {"state": wf.state_label(current)}
                )
            if not spec.permission(locked, by):
                raise TransitionRefused(_("You may not do this on this record."))
            unmet = [str(c.label) for c in spec.conditions if isinstance(c, Condition) and not c(locked)]
            raise TransitionRefused(
                _("This action is not possible yet: %(why)s.") % {"why": "; ".join(unmet)}
            )
        if before is not None:
            before(locked)
        method(by=by, description=comment or None)
        if effects is not None:
            effects(locked)
        try:
            _validate(locked)
        except ValidationError as exc:
            raise TransitionRefused.from_validation_error(exc) from exc
        try:
            with transaction.atomic():
                locked.save()
        except ConcurrentTransition as exc:
            locked.refresh_from_db()
            raise _conflict(wf, locked, wf.state_of(locked)) from exc
        except IntegrityError as exc:
            logger.warning("transition %s on %r broke a constraint: %s", name, locked, exc)
            raise TransitionRefused(_("The record's data is not valid for this action.")) from exc
        target = wf.state_of(locked)
        notify = NOTIFY.get()

        def _after_commit():
            if after is not None:
                try:
                    after(locked)
                except Exception:
                    logger.exception("after-commit step of %s on %r failed", name, locked)
            results = transition_committed.send_robust(
                sender=wf.model,
                instance=locked,
                name=name,
                source=current,
                target=target,
                by=by,
                comment=comment,
                notify=notify,
            )
            for receiver, result in results:
                if isinstance(result, Exception):
                    logger.error(
                        "receiver %r of transition_committed failed for %s on %r",
                        receiver,
                        name,
                        locked,
                        exc_info=result,
                    )

        transaction.on_commit(_after_commit, robust=True)
    return locked


def _conflict(wf, obj, current):
    entry = last_actor(obj)
    who = ""
    if entry is not None and entry.by is not None:
        who = display_name(entry.by)
    if who:
        return TransitionConflict(
            _("Someone else acted first: this record is already %(state)s (by %(who)s). Nothing was changed.")
            % {"state": wf.state_label(current), "who": who}
        )
    return TransitionConflict(
        _("Someone else acted first: this record is already %(state)s. Nothing was changed.")
        % {"state": wf.state_label(current)}
    )
