"""Elasticsearch without a server: the access keys agree with `visible_q` on mixed data, the
dsl query the backend builds, and the fall back to the database when the server is down."""

import datetime
import socket

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from portal.models import Role
from portal.searchable import searchables
from search import access
from search.backends import elastic
from search.params import parse_params
from search.service import search
from tests.exchanges import factories as exchange_factories
from tests.factories import user_with_role

from .conftest import titles


def _forum_records(world):
    """Forum minutes (a draft, a published and a public one), decisions and action items,
    in the world's two cities."""
    from forums import services as forum_services
    from forums.models import MINUTES_WORKFLOW, Forum

    forum = forum_services.forum_create(
        by=world.staff, name="Diễn đàn liên thành phố", level=Forum.Level.INTER_CITY, cities=[world.hanoi]
    )
    for i, (host, state, public) in enumerate(
        [(world.hanoi, "draft", False), (world.hanoi, "published", False), (world.danang, "published", True)]
    ):
        meeting = forum_services.meeting_create(
            by=world.staff,
            forum=forum,
            title=f"Kỳ họp {i}",
            date=datetime.date(2025, 3, 1 + i),
            host_city=host,
        )
        minutes = forum_services.minutes_create(
            meeting=meeting, by=world.staff, body="Biên bản", is_public=public
        )
        for name in MINUTES_WORKFLOW.path_to(state):
            minutes = forum_services.minutes_transition(minutes=minutes, name=name, by=world.staff)
        forum_services.decision_add(
            meeting=meeting, by=world.staff, text="Kiến nghị", addressed_to="ministry"
        )
        forum_services.action_item_add(
            meeting=meeting, by=world.staff, text="Việc", owner_city=world.danang, due_on=meeting.date
        )


def test_access_keys_agree_with_visible_q_on_mixed_data(world):
    _forum_records(world)
    other_trainer = user_with_role(Role.TRAINER, world.hanoi)  # in scope, not listed
    danang_trainer = user_with_role(Role.TRAINER, world.danang)
    world.session.trainers.add(danang_trainer)  # listed, but out of scope
    ward_b = user_with_role(Role.WARD_OFFICER, world.b.community.ward)
    exchange_factories.mixed_between(
        world.hanoi,
        world.danang,
        world.a.community,
        world.b.community,
        world.secretary_a,
        world.b.secretary,
        world.staff,
    )
    users = [
        AnonymousUser(),
        world.staff,
        world.a.rep,
        world.a.ward,
        world.a.city,
        world.b.rep,
        world.b.city,
        world.b.secretary,
        world.trainer,
        world.secretary_a,
        other_trainer,
        danang_trainer,
        ward_b,
    ]
    checked = 0
    for s in searchables():
        objs = list(s.queryset())
        assert objs, s.type
        keys_of = {obj.pk: set(access.record_keys(s, obj)) for obj in objs}
        for user in users:
            visible = set(
                s.model._default_manager.filter(access.visible_q(s, user)).values_list("pk", flat=True)
            )
            mine = set(access.user_keys(user))
            by_keys = {pk for pk, keys in keys_of.items() if keys & mine}
            assert by_keys == visible, (s.type, getattr(user, "username", "anonymous"))
            checked += len(objs)
    assert checked > 50


def _params(**data):
    q = QueryDict(mutable=True)
    for k, v in data.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return parse_params(q)


def test_the_dsl_query(settings, db):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    params = _params(
        q='Đà Nẵng "thoát nước" -cũ', city=["7"], year=["2025"], to="2025-12-31", sort="relevance"
    )
    body = elastic.PortalSearch(params, ["anyone", "programme_staff@national"]).build_search().to_dict()
    query = body["query"]["bool"]
    assert {"terms": {"access": ["anyone", "programme_staff@national"]}} in query["filter"]
    assert {"range": {"date": {"lte": "2025-12-31"}}} in query["filter"]
    text = query  # the dsl merges the words' bool into the filtered one
    assert {"multi_match": {"query": "Đà Nẵng", "fields": ["title^3", "body"], "operator": "and"}} in text[
        "must"
    ]
    assert {"multi_match": {"query": "thoát nước", "fields": ["title^3", "body"], "type": "phrase"}} in text[
        "must"
    ]
    assert text["must_not"] == [{"multi_match": {"query": "cũ", "fields": ["title^3", "body"]}}]
    # typed with accents: records with the same accents first
    assert text["minimum_should_match"] == 0
    assert text["should"][0]["constant_score"]["filter"] == {
        "match": {"exact": {"query": "đà nẵng thoát nước", "operator": "and"}}
    }
    # facets: each counted under the other facets' filters; the hits under all of them
    assert body["post_filter"]["bool"]["must"] == [{"terms": {"city": ["7"]}}, {"terms": {"year": ["2025"]}}]
    assert body["aggs"]["_filter_type"]["filter"]["bool"]["must"] == body["post_filter"]["bool"]["must"]
    assert body["aggs"]["_filter_city"]["filter"] == {"terms": {"year": ["2025"]}}
    assert body["aggs"]["_filter_level"]["aggs"]["level"] == {"terms": {"field": "facets.level", "size": 50}}
    assert body["highlight"]["pre_tags"] == ["\x02"] and set(body["highlight"]["fields"]) == {"title", "body"}
    assert body["sort"][0] == "_score"
    assert body["from"] == 0 and body["size"] == 20 and body["track_total_hits"] is True


def test_the_dsl_query_without_words_sorts_by_date_and_pages(settings, db):
    params = _params(page="3", sort="relevance")
    body = elastic.PortalSearch(params, ["anyone"]).build_search().to_dict()
    assert "must" not in body["query"]["bool"]
    assert body["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}
    assert body["from"] == 40 and body["size"] == 20
    unaccented = elastic.text_query(_params(q="da nang").query).to_dict()
    assert "should" not in unaccented["bool"]


def test_the_document_analyses_vietnamese(db):
    mapping = elastic.SearchDocument._doc_type.mapping.to_dict()
    assert mapping["properties"]["title"]["analyzer"] == "cdf_folding"
    assert mapping["properties"]["exact"]["analyzer"] == "cdf_exact"
    analysis = elastic.SearchDocument._index.to_dict()["settings"]["analysis"]["analyzer"]
    assert analysis["cdf_folding"]["filter"] == ["lowercase", "asciifolding"]
    assert analysis["cdf_exact"]["filter"] == ["lowercase"]


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def es_down(settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    settings.SEARCH_BACKEND = "auto"


def test_unreachable_elasticsearch_falls_back_to_the_database(world, es_down, client):
    results = search(world.staff, _params(q="muong"))
    assert results.backend in ("sqlite", "postgresql")
    assert "cannot be reached" in results.notice
    assert set(titles(results)) == {"Nạo vét mương thoát nước", "Phần mềm quản lý tài chính CDF · Hà Nội"}
    client.force_login(world.staff)
    page = client.get("/search/", {"q": "muong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "cannot be reached" in page.content.decode()
    api = client.get("/search/api/", {"q": "muong"})
    assert api.status_code == 200 and api.json()["count"] == 2 and api.json()["notice"]


def test_an_edit_while_elasticsearch_is_down_still_updates_the_database_index(
    world, es_down, django_capture_on_commit_callbacks
):
    from proposals import services

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_update(proposal=world.p_draft, by=world.a.rep, title="Giếng khoan")
    assert titles(search(world.a.rep, _params(q="gieng"))) == ["Giếng khoan"]
    assert world.p_draft.created_at.date() == datetime.date(2025, 2, 1)


def test_hits_read_back_from_elasticsearch(settings, db):
    """A response as Elasticsearch sends it, turned into hits and facets (no server)."""
    from elasticsearch.dsl.faceted_search_base import FacetedResponse

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    params = _params(q="mương")
    faceted = elastic.PortalSearch(params, ["anyone"])
    raw = {
        "hits": {
            "total": {"value": 1, "relation": "eq"},
            "hits": [
                {
                    "_index": "test-h-search",
                    "_id": "proposal-1",
                    "_score": 1.0,
                    "_source": {
                        "type": "proposal",
                        "title": "Nạo vét mương",
                        "body": "Khơi <b>mương</b>",
                        "date": "2025-06-01",
                        "city_name": "Hà Nội",
                        "url": "/proposals/1/",
                    },
                    "highlight": {"body": ["Khơi <b>\x02mương\x03</b>"]},
                }
            ],
        },
        "aggregations": {
            f"_filter_{name}": {
                name: {"buckets": [{"key": "proposal", "doc_count": 1}] if name == "type" else []}
            }
            for name in elastic.PortalSearch.facets
        },
    }
    response = FacetedResponse(faceted._s, raw)
    response._faceted_search = faceted
    from unittest import mock

    with mock.patch.object(elastic.PortalSearch, "execute", return_value=response):
        results = elastic.ElasticBackend().search(AnonymousUser(), params)
    (hit,) = results.hits
    assert hit.date == datetime.date(2025, 6, 1) and hit.city == "Hà Nội"
    assert hit.snippet == "Khơi &lt;b&gt;<mark>mương</mark>&lt;/b&gt;"
    assert results.count == 1
    assert [(v.value, v.label, v.count) for v in results.facets["type"]] == [("proposal", "Proposal", 1)]
