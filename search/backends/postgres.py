"""PostgreSQL full-text search through django.contrib.postgres: the stored `vector` (text
search configuration `cdf_unaccent`: unaccent, then simple; title weighted A, body B) with a GIN
index, `websearch_to_tsquery` (SearchQuery(search_type="websearch")), `ts_rank` (SearchRank),
`ts_headline` (SearchHeadline) for snippets. Migration 0002 makes the configuration and index.
A query typed with accents ranks records with the same accents first (`vector_exact`)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Replace

from ..models import SearchEntry
from ..text import START, STOP, marked_to_html
from .database import DatabaseBackend

CONFIG = "cdf_unaccent"
# stand-ins for < and > inside ts_headline (control characters never indexed: text.normalize)
LT, GT = "\x04", "\x05"


def vector_expressions():
    vector = SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "body", weight="B", config=CONFIG
    )
    return vector, SearchVector("exact", config="simple")


def _query(query):
    return SearchQuery(query.websearch(), config=CONFIG, search_type="websearch")


class PostgresBackend(DatabaseBackend):
    name = "postgresql"

    def match(self, qs, query):
        if not query:
            return qs.none()
        return qs.filter(vector=_query(query))

    def order_by_relevance(self, qs, query):
        qs = qs.annotate(relevance=SearchRank(F("vector"), _query(query)))
        exact = query.exact()
        if exact.all_words() == query.folded().all_words():  # typed without accents
            return qs.order_by("-relevance", "-date", "-pk")
        exact_query = SearchQuery(exact.websearch(), config="simple", search_type="websearch")
        qs = qs.annotate(
            exact_hit=ExpressionWrapper(Q(vector_exact=exact_query), output_field=BooleanField())
        )
        return qs.order_by("-exact_hit", "-relevance", "-date", "-pk")

    def snippets(self, entries, query):
        if not query:
            return super().snippets(entries, query)
        # ts_headline drops what looks like an HTML tag: hide < and > from it, escape after
        body = Replace(Replace(F("body"), Value("<"), Value(LT)), Value(">"), Value(GT))
        rows = SearchEntry.objects.filter(pk__in=[e.pk for e in entries]).annotate(
            headline=SearchHeadline(
                body,
                _query(query),
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        found = dict(rows.values_list("pk", "headline"))
        out = {}
        for e in entries:
            headline = found.get(e.pk) or ""
            headline = headline.replace(LT, "<").replace(GT, ">")
            out[e.pk] = marked_to_html(headline) if headline else super().snippets([e], query)[e.pk]
        return out
