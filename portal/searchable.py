"""What an app makes searchable: one small declaration per record type, registered through the
Wagtail hook ``register_searchable`` (like ``portal_my_work_panels`` in `portal/my_work.py`), so
`search/` never imports a domain app and a domain app imports only `portal` to take part::

    # proposals/searchable.py
    PROPOSALS = Searchable(
        model=Proposal,
        type="proposal",
        title=lambda p: p.title,
        text=lambda p: [p.description, p.location, p.completion_note],
        date=lambda p: p.created_at,
        city=lambda p: p.community.ward.city,
        url=lambda p: p.get_absolute_url(),
        related=("community__ward__city",),
    )

    # proposals/wagtail_hooks.py
    @hooks.register("register_searchable")
    def searchable():
        return PROPOSALS

The type's label on the page is the model's verbose name unless `label` says otherwise.

Visibility: by default a user finds a record when the record's registered workflow lets them
view it (`workflow_for(model).visible_q(user)`), and the Elasticsearch backend derives the
matching access keys from the same declaration. A record type without a workflow gives both
`visible_q(user) -> Q` and `access_keys(obj) -> list[str]` (see `search/access.py` for the keys a
user holds).

Changes reach the index after commit: saves (a workflow transition's included) and deletes of
`model`, and of the models named in `depends_on` (e.g. an attachment of a proposal).
A bulk load that rebuilds the index afterwards (`seed_demo`) runs in `indexing_paused()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils.text import capfirst
from wagtail import hooks

HOOK = "register_searchable"


@dataclass(frozen=True)
class Searchable:
    model: type
    # stable code in the index and in `?type=` (e.g. "proposal", "minutes")
    type: str
    title: Callable[[object], str]
    # the body: a string or a list of strings (fields, text extracted from attachments)
    text: Callable[[object], str | Iterable[str]]
    # a date or datetime (the date shown and filtered, the year facet), or None
    date: Callable[[object], object]
    url: Callable[[object], str]
    # what the type is called on the page (translatable); default: the model's verbose name
    label: str | None = None
    # the record's city (a portal.City) or None
    city: Callable[[object], object] = lambda obj: None
    # extra facet values by facet name, e.g. {"level": "regional"} (forum level)
    facets: Callable[[object], dict[str, str]] = lambda obj: {}
    # labels of those facet values: {"level": {"regional": _("Regional forum"), ...}}
    facet_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # select_related / prefetch_related paths that make the callables above cost no query
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    # other models whose changes re-index a record: model -> fn(instance) -> records
    depends_on: dict[type, Callable[[object], Iterable[object]]] = field(default_factory=dict)
    # only for a record type without a registered workflow: both or neither
    visible_q: Callable | None = None
    access_keys: Callable | None = None
    # order of the type in the "type" facet
    order: int = 100

    def __post_init__(self):
        if (self.visible_q is None) != (self.access_keys is None):
            raise TypeError(f"Searchable {self.type}: give both visible_q and access_keys, or neither")

    @property
    def type_label(self) -> str:
        return str(self.label) if self.label is not None else capfirst(self.model._meta.verbose_name)

    def queryset(self):
        qs = self.model._default_manager.all()
        if self.related:
            qs = qs.select_related(*self.related)
        if self.prefetch:
            qs = qs.prefetch_related(*self.prefetch)
        return qs


def searchables() -> list[Searchable]:
    """Every registered Searchable, in facet order."""
    found = []
    for fn in hooks.get_hooks(HOOK):
        result = fn()
        if result is None:
            continue
        found.extend(result if isinstance(result, list | tuple) else [result])
    return sorted(found, key=lambda s: (s.order, s.type))


def searchable_for(type_or_model) -> Searchable | None:
    for s in searchables():
        if s.type == type_or_model or s.model is type_or_model:
            return s
    return None


_INDEXING_PAUSED = ContextVar("indexing_paused", default=False)


@contextmanager
def indexing_paused():
    """Changes made in this block queue no index update, even when their transaction commits
    after it: for bulk loads that rebuild the index at the end (the demo queued 1,167
    redundant updates for the worker)."""
    token = _INDEXING_PAUSED.set(True)
    try:
        yield
    finally:
        _INDEXING_PAUSED.reset(token)


def indexing_is_paused() -> bool:
    return _INDEXING_PAUSED.get()
