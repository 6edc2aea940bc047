"""The search backends behind one interface: `backend().search(user, params) -> Results`.

`SEARCH_BACKEND` chooses: "database" (SQLite FTS5 or PostgreSQL full-text search, by the
database in use), "elasticsearch" (needs `ELASTICSEARCH_URL`), or "auto" (the default:
Elasticsearch when `ELASTICSEARCH_URL` is set, else the database)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from ..text import ParsedQuery

FACETS = ("type", "city", "level", "year")
PER_PAGE = 20


@dataclass
class SearchParams:
    query: ParsedQuery = field(default_factory=ParsedQuery)
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> selected values
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"  # or "date"
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def by_relevance(self):
        return self.sort == "relevance" and bool(self.query)

    @property
    def offset(self):
        return (self.page - 1) * self.per_page


@dataclass
class Hit:
    type: str
    type_label: str
    title: str
    url: str
    date: datetime.date | None
    city: str
    snippet: str  # HTML: matches in <mark>, everything else escaped


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Results:
    count: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    params: SearchParams
    backend: str
    notice: str = ""

    @property
    def pages(self):
        return max(1, -(-self.count // self.params.per_page))


class SearchUnavailable(Exception):
    """The backend cannot answer now (a search server down): fall back to the database."""


def database_backend():
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SqliteBackend

    return SqliteBackend()


def backend():
    choice = getattr(settings, "SEARCH_BACKEND", "auto")
    if choice == "elasticsearch" or (choice == "auto" and getattr(settings, "ELASTICSEARCH_URL", "")):
        from .elastic import ElasticBackend

        return ElasticBackend()
    return database_backend()
