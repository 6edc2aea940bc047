"""Elasticsearch through `elasticsearch.dsl` (inside the `elasticsearch` 8 client), used when
`ELASTICSEARCH_URL` is set. The index mirrors the entry table (search/models.py):

- `SearchDocument`: title and body analysed with `cdf_folding` (standard tokenizer, lowercase,
  asciifolding: accents and đ go); `exact` (accents kept, tone placement unified in Python)
  with `cdf_exact`; text is NFC-normalised in Python before indexing and querying;
- `PortalSearch` (a FacetedSearch): the words as dsl queries (never a query string), the user's
  access keys as a filter (search/access.py), the date range, facets as aggregations (each
  counted under the other selected facets), highlighting, sorting and paging.

A server that cannot be reached raises SearchUnavailable: the page falls back to the database."""

from __future__ import annotations

import datetime
import threading

from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import (
    Date,
    Document,
    FacetedSearch,
    Flattened,
    Keyword,
    Long,
    Search,
    TermsFacet,
    Text,
    analyzer,
    connections,
)
from elasticsearch.dsl.query import Bool, ConstantScore, Match, MultiMatch
from elasticsearch.helpers import bulk

from portal.searchable import searchables

from ..text import START, STOP, marked_to_html, snippet
from . import FacetValue, Hit, Results, SearchParams, SearchUnavailable
from .database import facet_values

ALIAS = "cdf-search"
TEXT_FIELDS = ["title^3", "body"]

folding = analyzer("cdf_folding", tokenizer="standard", filter=["lowercase", "asciifolding"])
exact_words = analyzer("cdf_exact", tokenizer="standard", filter=["lowercase"])


class SearchDocument(Document):
    type = Keyword()
    object_id = Long()
    title = Text(analyzer=folding)
    body = Text(analyzer=folding)
    exact = Text(analyzer=exact_words)
    date = Date()
    year = Keyword()
    city = Keyword()
    city_name = Keyword()
    facets = Flattened()
    url = Keyword(index=False)
    access = Keyword()

    class Index:
        name = "cdf-portal-search"
        settings = {"number_of_shards": 1}

    @classmethod
    def from_entry(cls, entry):
        return cls(
            meta={"id": doc_id(entry.type, entry.object_id)},
            type=entry.type,
            object_id=entry.object_id,
            title=entry.title,
            body=entry.body,
            exact=entry.exact,
            date=entry.date,
            year=str(entry.year) if entry.year else None,
            city=str(entry.city_id) if entry.city_id else None,
            city_name=entry.city_name,
            facets=entry.facets or {},
            url=entry.url,
            access=entry.access,
        )


def doc_id(type_code, object_id):
    return f"{type_code}-{object_id}"


def configured() -> bool:
    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def index_name() -> str:
    return getattr(settings, "ELASTICSEARCH_INDEX", "") or SearchDocument.Index.name


_lock = threading.Lock()
_clients: dict[str, Elasticsearch] = {}


def client() -> Elasticsearch:
    """One client per URL, registered as the dsl connection ALIAS; short timeouts, no retries:
    a server that is down answers at once and the page falls back."""
    url = settings.ELASTICSEARCH_URL
    with _lock:
        if url not in _clients:
            _clients[url] = Elasticsearch(url, request_timeout=5, max_retries=0, retry_on_timeout=False)
        connections.add_connection(ALIAS, _clients[url])
        return _clients[url]


# --- indexing -----------------------------------------------------------------------------------


def ensure_index():
    es = client()
    if not es.indices.exists(index=index_name()):
        SearchDocument.init(index=index_name(), using=ALIAS)


def index_entries(entries) -> int:
    ensure_index()
    actions = (
        SearchDocument.from_entry(e).to_dict(include_meta=True) | {"_index": index_name()} for e in entries
    )
    done, _errors = bulk(client(), actions, refresh="wait_for")
    return done


def delete(type_code, ids):
    ensure_index()
    actions = ({"_op_type": "delete", "_index": index_name(), "_id": doc_id(type_code, pk)} for pk in ids)
    bulk(client(), actions, raise_on_error=False, refresh="wait_for")


def rebuild(entries, progress=None):
    es = client()
    es.indices.delete(index=index_name(), ignore_unavailable=True)
    SearchDocument.init(index=index_name(), using=ALIAS)
    return index_entries(entries.iterator())


# --- searching ----------------------------------------------------------------------------------


def text_query(query):
    """The dsl query of a parsed query: every word (folded by the analyzer) and every phrase
    must match in title or body, -words must not; typed with accents, records with the same
    accents come first (a constant score far above bm25's)."""
    must, must_not, should = [], [], []
    if query.terms:
        must.append(MultiMatch(query=" ".join(query.terms), fields=TEXT_FIELDS, operator="and"))
    for phrase in query.phrases:
        must.append(MultiMatch(query=" ".join(phrase), fields=TEXT_FIELDS, type="phrase"))
    for word in query.excluded:
        must_not.append(MultiMatch(query=word, fields=TEXT_FIELDS))
    exact = query.exact()
    if exact.all_words() != query.folded().all_words():
        should.append(
            ConstantScore(
                filter=Match(exact={"query": " ".join(exact.all_words()), "operator": "and"}), boost=1000
            )
        )
    return Bool(must=must, must_not=must_not, should=should)


class PortalSearch(FacetedSearch):
    """The portal's search as an elasticsearch.dsl FacetedSearch."""

    using = ALIAS
    fields = TEXT_FIELDS
    facets = {
        "type": TermsFacet(field="type", size=50),
        "city": TermsFacet(field="city", size=200),
        "level": TermsFacet(field="facets.level", size=50),
        "year": TermsFacet(field="year", size=200),
    }

    def __init__(self, params: SearchParams, keys: list[str]):
        self.params = params
        self.keys = keys
        self.index = index_name()
        filters = {name: values for name, values in params.filters.items() if values}
        if params.by_relevance:
            sort = ["_score", {"date": {"order": "desc", "missing": "_last"}}, {"object_id": "desc"}]
        else:
            sort = [{"date": {"order": "desc", "missing": "_last"}}, {"object_id": "desc"}]
        super().__init__(query=params.query if params.query else None, filters=filters, sort=sort)

    def search(self):
        p = self.params
        s = super().search().extra(track_total_hits=True)[p.offset : p.offset + p.per_page]
        s = s.filter("terms", access=self.keys)
        if self.params.date_from or self.params.date_to:
            bounds = {}
            if self.params.date_from:
                bounds["gte"] = self.params.date_from.isoformat()
            if self.params.date_to:
                bounds["lte"] = self.params.date_to.isoformat()
            s = s.filter("range", date=bounds)
        return s

    def query(self, search, query):
        return search.query(text_query(query))

    def highlight(self, search):
        return search.highlight("title", "body", fragment_size=160, number_of_fragments=2).highlight_options(
            pre_tags=[START], post_tags=[STOP]
        )


class ElasticBackend:
    name = "elasticsearch"

    def build(self, user, params) -> PortalSearch:
        from .. import access

        return PortalSearch(params, access.user_keys(user))

    def search(self, user, params: SearchParams) -> Results:
        if not configured():
            raise SearchUnavailable("ELASTICSEARCH_URL is not set")
        client()
        faceted = self.build(user, params)
        try:
            response = faceted.execute()
        except (ApiError, TransportError) as exc:
            raise SearchUnavailable(str(exc)) from exc
        registered = {s.type: s for s in searchables()}
        facets = {}
        for name in PortalSearch.facets:
            rows = response.facets[name]
            counts = {str(value): count for value, count, _selected in rows}
            selected = {str(v) for v in params.filters.get(name, [])}
            if name == "city":
                facets[name] = self._cities(counts, selected)
            else:
                facets[name] = facet_values(name, counts, selected, registered)
        hits = []
        for doc in response:
            highlight = getattr(doc.meta, "highlight", None)
            body = list(getattr(highlight, "body", []) or []) if highlight else []
            html = (
                marked_to_html(" … ".join(body))
                if body
                else snippet(getattr(doc, "body", "") or doc.title, params.query)
            )
            hits.append(
                Hit(
                    type=doc.type,
                    type_label=registered[doc.type].type_label if doc.type in registered else doc.type,
                    title=doc.title,
                    url=doc.url,
                    date=_date(doc.date),
                    city=doc.city_name or "",
                    snippet=html,
                )
            )
        return Results(
            count=response.hits.total.value, hits=hits, facets=facets, params=params, backend=self.name
        )

    @staticmethod
    def _cities(counts, selected):
        from portal.models import City

        names = dict(City.objects.filter(pk__in=[int(v) for v in counts]).values_list("pk", "name"))
        values = [FacetValue(v, names.get(int(v), v), n, v in selected) for v, n in counts.items()]
        return sorted(values, key=lambda v: (-v.count, v.label))


def _date(value):
    """A hit's date: the source holds an ISO string ("2025-06-01")."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


__all__ = ["ElasticBackend", "PortalSearch", "Search", "SearchDocument", "text_query"]
