"""What the database backends share: visibility through each record type's `visible_q` (a
subquery per type, so a record the user may not open is neither listed nor counted), facet
counts (each facet counted under every other selected facet, like Elasticsearch's
FacetedSearch), the date range, sorting and paging. Subclasses say how words match and rank."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.db.models.fields.json import KT

from portal.searchable import searchables

from .. import access
from ..models import SearchEntry
from ..text import snippet
from . import FACETS, FacetValue, Hit, Results, SearchParams

FACET_COLUMNS = {"type": "type", "city": "city_id", "year": "year"}


def visible_entries(user, types=None):
    parts = []
    for s in searchables():
        if types is not None and s.type not in types:
            continue
        ids = s.model._default_manager.filter(access.visible_q(s, user)).values("pk")
        parts.append(Q(type=s.type, object_id__in=ids))
    return SearchEntry.objects.filter(reduce(or_, parts, Q(pk__in=[])))


def facet_q(name, values) -> Q:
    if name in FACET_COLUMNS:
        return Q(**{f"{FACET_COLUMNS[name]}__in": values})
    return Q(**{f"facets__{name}__in": values})


class DatabaseBackend:
    name = "database"

    # --- what subclasses provide ----------------------------------------------------------
    def match(self, qs, query):
        raise NotImplementedError

    def order_by_relevance(self, qs, query):
        raise NotImplementedError

    def snippets(self, entries, query) -> dict[int, str]:
        return {e.pk: snippet(e.body or e.title, query) for e in entries}

    # --- the search -------------------------------------------------------------------------
    def search(self, user, params: SearchParams) -> Results:
        registered = {s.type: s for s in searchables()}
        base = visible_entries(user)
        if params.date_from:
            base = base.filter(date__gte=params.date_from)
        if params.date_to:
            base = base.filter(date__lte=params.date_to)
        if params.query:
            base = self.match(base, params.query)
        filters = {name: values for name, values in params.filters.items() if values}

        def narrowed(qs, but=None):
            for name, values in filters.items():
                if name != but:
                    qs = qs.filter(facet_q(name, values))
            return qs

        facets = {name: self._facet(name, narrowed(base, but=name), filters, registered) for name in FACETS}
        results = narrowed(base)
        count = results.count()
        if params.by_relevance:
            results = self.order_by_relevance(results, params.query)
        else:
            results = results.order_by("-date", "-pk")
        page = list(
            results.only("pk", "type", "title", "url", "date", "city_name", "body")[
                params.offset : params.offset + params.per_page
            ]
        )
        snippets = self.snippets(page, params.query) if page else {}
        hits = [
            Hit(
                type=e.type,
                type_label=registered[e.type].type_label if e.type in registered else e.type,
                title=e.title,
                url=e.url,
                date=e.date,
                city=e.city_name,
                snippet=snippets.get(e.pk, ""),
            )
            for e in page
        ]
        return Results(count=count, hits=hits, facets=facets, params=params, backend=self.name)

    def _facet(self, name, qs, filters, registered):
        selected = set(filters.get(name, ()))
        if name == "city":
            rows = qs.order_by().values("city_id", "city_name").annotate(n=Count("pk"))
            values = [
                FacetValue(str(r["city_id"]), r["city_name"], r["n"], str(r["city_id"]) in selected)
                for r in rows
                if r["city_id"] is not None
            ]
            return sorted(values, key=lambda v: (-v.count, v.label))
        if name in FACET_COLUMNS:
            column = FACET_COLUMNS[name]
            rows = qs.order_by().values(column).annotate(n=Count("pk"))
            counts = {str(r[column]): r["n"] for r in rows if r[column] is not None}
        else:
            rows = qs.order_by().values(v=KT(f"facets__{name}")).annotate(n=Count("pk"))
            counts = {str(r["v"]): r["n"] for r in rows if r["v"] not in (None, "")}
        return facet_values(name, counts, selected, registered)


def facet_values(name, counts, selected, registered) -> list[FacetValue]:
    """Labelled, ordered facet values from {value: count} (shared with Elasticsearch)."""
    if name == "type":
        order = list(registered)
        return [
            FacetValue(value, registered[value].type_label, counts[value], value in selected)
            for value in sorted(counts, key=lambda v: order.index(v) if v in order else len(order))
            if value in registered
        ]
    if name == "year":
        return [FacetValue(v, v, counts[v], v in selected) for v in sorted(counts, reverse=True)]
    labels = {}
    for s in registered.values():
        labels.update(s.facet_labels.get(name, {}))
    values = [FacetValue(v, str(labels.get(v, v)), n, v in selected) for v, n in counts.items()]
    return sorted(values, key=lambda v: (-v.count, v.label))
