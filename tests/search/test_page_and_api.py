"""The page and the API: any parameters, never an error; a constant number of queries; the menu
item; the index command and the demo."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from portal.models import Role
from portal.my_work import nav_items
from search import indexing
from search.models import SearchEntry
from tests.factories import CommunityFactory, user_with_role
from tests.proposals.factories import Actors, make_proposal

from .conftest import run, titles

JUNK = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "0", "-1", "2025", "99999999999999999999", "abc", "1e3", "31/02/2025", "2025-13-01"]
    ),
)
PARAMS = st.dictionaries(
    st.sampled_from(["q", "type", "city", "year", "level", "from", "to", "sort", "page"]), JUNK, max_size=9
)


class TestAnyInput(TestCase):
    @classmethod
    def setUpTestData(cls):
        actors = Actors(CommunityFactory())
        make_proposal(
            actors, state="submitted", title="Nước sạch", description='Ống "nhựa" <b>PVC</b> & đồng hồ'
        )
        cls.staff = user_with_role(Role.PROGRAMME_STAFF)
        indexing.rebuild()

    def setUp(self):
        self.web = Client()
        self.web.force_login(self.staff)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(params=PARAMS)
    def test_the_api_answers_any_parameters(self, params):
        response = self.web.get("/search/api/", params)
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(set(data), {"count", "page", "pages", "backend", "notice", "results", "facets"})
        self.assertGreaterEqual(data["count"], 0)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(q=st.text(max_size=60), page=JUNK, year=JUNK, date_from=JUNK)
    def test_the_page_answers_any_query(self, q, page, year, date_from):
        response = self.web.get("/search/", {"q": q, "page": page, "year": year, "from": date_from})
        self.assertEqual(response.status_code, 200)


def test_junk_parameters_are_ignored(client, world):
    client.force_login(world.staff)
    data = client.get(
        "/search/api/",
        {"q": "muong", "page": "abc", "year": "two", "from": "31/02/2025", "city": "x", "sort": "?"},
    ).json()
    assert data["count"] == 2 and data["page"] == 1
    assert {r["title"] for r in data["results"]} == {
        "Nạo vét mương thoát nước",
        "Phần mềm quản lý tài chính CDF · Hà Nội",
    }


def test_the_api_shape(client, world):
    client.force_login(world.staff)
    data = client.get("/search/api/", {"q": "chong ngap", "city": world.hanoi.pk}).json()
    assert data["count"] == 1
    (hit,) = data["results"]
    assert hit["type"] == "proposal"
    assert hit["url"] == world.p_drain.get_absolute_url()
    assert hit["date"] == "2024-03-10" and hit["city"] == "Hà Nội"
    assert "<mark>chống</mark>" in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert {"value": str(world.hanoi.pk), "label": "Hà Nội", "count": 1} in data["facets"]["city"]
    assert set(data["facets"]) == {"type", "city", "level", "year"}


def test_the_page_without_javascript(client, world):
    client.force_login(world.staff)
    response = client.get("/search/", {"q": "thuy loi", "city": world.hanoi.pk}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in html and "search/search.css" in html
    assert "<mark>thủy</mark> <mark>lợi</mark>" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    # facet links keep the other choices and toggle their own
    assert f"city={world.hanoi.pk}" in html
    assert 'aria-current="true"' in html
    assert "1 result" in html


def test_the_page_in_vietnamese(client, world):
    client.force_login(world.staff)
    html = client.get("/search/", {"q": "muong"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Tìm kiếm" in html and "2 kết quả" in html and "Thành phố" in html


@pytest.mark.parametrize("n", [2, 12])
def test_the_page_costs_a_constant_number_of_queries(client, world, django_assert_num_queries, n):
    for i in range(n):
        make_proposal(world.a, state="submitted", title=f"Mương số {i}", description="mương thoát nước")
    indexing.rebuild()
    client.force_login(world.staff)
    client.get("/search/")  # session, site
    # session, user, memberships, 4 facets, count, the page's rows, the menu's two checks;
    # PostgreSQL adds one: ts_headline over the page's rows
    expected = 10 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        response = client.get("/search/", {"q": "muong", "sort": "relevance", "city": world.hanoi.pk})
    assert response.status_code == 200
    assert response.context["results"].count == n + 2


def test_search_is_in_the_menu_for_logged_in_users(world):
    from django.contrib.auth.models import AnonymousUser

    assert reverse("search:page") in [item.url for item in nav_items(world.a.rep)]
    assert reverse("search:page") not in [item.url for item in nav_items(AnonymousUser())]


def test_rebuild_command_with_a_progress_bar(world, capsys):
    SearchEntry.objects.all().delete()
    assert titles(run(world.staff, "muong")) == []
    call_command("search_index", "--rebuild")
    out = capsys.readouterr().out
    assert "[##############################] 6/6" in out and "Indexed 6 records." in out
    assert len(titles(run(world.staff, "muong"))) == 2
