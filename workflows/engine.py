"""The workflow layer (Plone-style), reused by every tracked record type.

A model declares its lifecycle where a reader looks for it: on the model, with django-fsm-2's
``@transition`` decorators. The two things django-fsm leaves open are filled in here:

- ``permission=Guard(Allow(role, ..., when=condition), ...)``: which *scoped* role may fire a
  transition from those sources, optionally only when a (policy) condition holds. A guard is a
  callable for django-fsm (``has_transition_perm``) *and* knows how to become a ``Q`` so a
  worklist is one query, not a loop over objects.
- ``conditions=[Condition(...)]``: business conditions, likewise callable and convertible to Q.
- ``custom={"label": ..., "comment_required": ..., "style": ...}``: what the button says.

``Workflow`` adds what django-fsm has no place for (state labels come from the field's choices;
who may view and edit in each state; who is told after a transition), and ``register`` puts it in
the registry read by worklists, diagrams and notifications. ``transition_fire`` is the one way to
fire a transition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, can_proceed, has_transition_perm
from django_fsm_log.models import StateLog

from portal.permissions import places_of, scope_q, user_has_role
from portal.text import display_name

# Sent after the transaction that fired a transition commits: search indexing and other
# apps listen here. kwargs: instance, name, source, target, by, comment.
transition_committed = Signal()


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
    """One way through a guard: any of `roles` over the object, when `when` holds."""

    roles: tuple[str, ...]
    when: Condition | None = None

    def __init__(self, *roles, when=None):
        object.__setattr__(self, "roles", tuple(str(r) for r in roles))
        object.__setattr__(self, "when", when)


class Guard:
    """A django-fsm `permission`: the scoped roles (and policy conditions) that may fire."""

    def __init__(self, *allows: Allow):
        self.allows = allows

    def __call__(self, instance, user) -> bool:
        return any(
            user_has_role(user, allow.roles, instance) and (allow.when is None or allow.when(instance))
            for allow in self.allows
        )

    def q(self, model, user) -> Q | None:
        """The rows `user` may fire on, or None when the user holds none of the roles."""
        parts = []
        for allow in self.allows:
            if not places_of(user, allow.roles):
                continue  # not a role the user has anywhere: leave the branch out of the SQL
            part = scope_q(model, user, allow.roles)
            if allow.when is not None:
                part &= allow.when.q()
            # an empty Q() ("everything", e.g. a national role) vanishes when OR-ed with Django's
            # Q combinators, so spell it out
            parts.append(part if part else Q(pk__isnull=False))
        return reduce(or_, parts) if parts else None

    @property
    def roles(self) -> set[str]:
        return {role for allow in self.allows for role in allow.roles}


@dataclass(eq=False)
class Workflow:
    """What django-fsm does not declare: view/edit roles per state and the labels."""

    model: type
    field_name: str = "state"
    # state -> roles that may view / edit a record in that state
    view_roles: dict[str, Iterable[str]] = field(default_factory=dict)
    edit_roles: dict[str, Iterable[str]] = field(default_factory=dict)
    # roles told about every decision on a record (e.g. the community that owns it)
    owner_roles: tuple[str, ...] = ()
    # select_related paths that make guards cost no query
    related: tuple[str, ...] = ()

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def field(self):
        return self.model._meta.get_field(self.field_name)

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

    # per-object permission ------------------------------------------------------------------
    def can_view(self, user, obj) -> bool:
        roles = self.view_roles.get(self.state_of(obj), ())
        return bool(roles) and user_has_role(user, roles, obj)

    def can_edit(self, user, obj) -> bool:
        roles = self.edit_roles.get(self.state_of(obj), ())
        return bool(roles) and user_has_role(user, roles, obj)

    def state_of(self, obj):
        return getattr(obj, self.field_name)

    def visible_q(self, user) -> Q:
        """Rows the user may view, from the state -> roles map: one Q, no loop over rows."""
        by_roles: dict[frozenset, list[str]] = {}
        for state, roles in self.view_roles.items():
            by_roles.setdefault(frozenset(roles), []).append(state)
        parts = [
            Q(**{f"{self.field_name}__in": states}) & scope_q(self.model, user, roles)
            for roles, states in by_roles.items()
            if places_of(user, roles)
        ]
        return reduce(or_, parts, Q(pk__in=[]))

    def available_transitions(self, obj, user) -> list:
        """Transitions `user` may fire on `obj` now (django-fsm's own per-object check)."""
        method_names = self.transition_names()
        return [name for name in method_names if has_transition_perm(getattr(obj, name), user)]

    def worklist_q(self, user) -> Q:
        """Rows where `user` may fire some transition now, as one Q built from the declaration
        (source state & guard's scoped roles & its policy conditions & business conditions)."""
        parts = []
        for source, t in self.transitions():
            if not isinstance(t.permission, Guard):
                continue
            guard_q = t.permission.q(self.model, user)
            if guard_q is None:
                continue
            q = Q(**{self.field_name: source}) & guard_q
            for condition in t.conditions:
                q &= condition.q()
            if q not in parts:
                parts.append(q)
        return reduce(or_, parts, Q(pk__in=[]))

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
            for allow in guard.allows:
                switched_off = policy is not None and allow.when is not None and allow.when.policy is not None
                if switched_off and not allow.when.policy(policy):
                    continue
                ways.append(
                    {
                        "roles": [str(self._role_label(r)) for r in allow.roles],
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

    @staticmethod
    def _role_label(code):
        from portal.models import Role

        return Role(code).label

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
    _REGISTRY[workflow.model] = workflow
    return workflow


def workflows() -> list[Workflow]:
    return list(_REGISTRY.values())


def workflow_for(model_or_obj) -> Workflow:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _REGISTRY[model._meta.concrete_model]


def worklist(user, limit=None):
    """{workflow: queryset} of every record in every registered workflow where `user` may fire
    a transition now; one query per workflow."""
    result = {}
    for wf in workflows():
        qs = wf.model._default_manager.filter(wf.worklist_q(user)).select_related(*wf.related)
        result[wf] = qs
    return result


def history(obj):
    """The review history of a record: StateLog rows, oldest first, with their actors."""
    return StateLog.objects.for_(obj).select_related("by").order_by("timestamp", "pk")


def last_actor(obj):
    entry = StateLog.objects.for_(obj).select_related("by").order_by("-timestamp", "-pk").first()
    return entry


# --- the one way to fire a transition ---------------------------------------------------------


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

    In one transaction: lock the row (select_for_update; the model's ConcurrentTransitionMixin
    is the optimistic backstop where the database cannot lock), check that the record is still
    in the state the user saw, check the comment rule, django-fsm's state/conditions and the
    scoped-role guard under the lock, run `before(locked)` (the service's changes the transition
    depends on; may raise), fire, run `effects(locked)` (rows the transition creates, e.g. a
    ledger entry; may raise and so roll everything back), full_clean, save; the django-fsm-log
    entry records actor, time, comment and from -> to. After commit: `after(locked)` and the
    `transition_committed` signal. Returns the updated (locked) instance.
    Raises TransitionRefused / TransitionConflict."""
    wf = workflow_for(obj)
    comment = (comment or "").strip()
    if expected_state is None:
        expected_state = wf.state_of(obj)
    try:
        spec = wf.spec(name)
    except KeyError:
        raise TransitionRefused(_("Unknown action.")) from None
    if spec.custom.get("comment_required") and not comment:
        raise TransitionRefused(
            _("Please write a comment: %(action)s needs one.") % {"action": spec.custom.get("label", name)},
            field_errors={"comment": [str(_("This action needs a comment."))]},
        )
    with transaction.atomic():
        manager = wf.model._default_manager
        locked = manager.select_for_update(of=("self",)).select_related(*wf.related).get(pk=obj.pk)
        current = wf.state_of(locked)
        if current != expected_state:
            raise _conflict(wf, locked, current)
        method = getattr(locked, name)
        if not has_transition_perm(method, by):
            if can_proceed(method):
                raise TransitionRefused(_("You may not do this on this record."))
            raise TransitionRefused(
                _("This action is not possible while the record is %(state)s.")
                % {"state": wf.state_label(current)}
            )
        if before is not None:
            before(locked)
        method(by=by, description=comment or None)
        if effects is not None:
            effects(locked)
        try:
            locked.full_clean()
        except ValidationError as exc:
            raise TransitionRefused.from_validation_error(exc) from exc
        try:
            locked.save()
        except Exception as exc:
            from django_fsm import ConcurrentTransition

            if isinstance(exc, ConcurrentTransition):
                locked.refresh_from_db()
                raise _conflict(wf, locked, wf.state_of(locked)) from exc
            raise
        target = wf.state_of(locked)

        def _after_commit():
            if after is not None:
                after(locked)
            transition_committed.send(
                sender=wf.model,
                instance=locked,
                name=name,
                source=current,
                target=target,
                by=by,
                comment=comment,
            )

        transaction.on_commit(_after_commit)
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
