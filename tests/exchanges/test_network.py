"""The network view's numbers equal the data (counted independently here), at a constant
number of queries; the SVG escapes names; cities with no exchange are listed for planning;
nobody counts exchanges they may not see."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from exchanges import services
from exchanges.models import ExchangeVisit
from exchanges.network import exchange_network, network_svg
from portal.models import Role
from portal.permissions import memberships_of
from tests.factories import CityFactory, CommunityFactory, UserFactory, user_with_role

_n = itertools.count()


def _visit(staff, host, visitors, *, state, people, within=False):
    day = timezone.localdate() - datetime.timedelta(days=next(_n) % 300 + 1)
    exchange = services.exchange_plan(
        by=staff,
        title=f"Trao đổi {next(_n)}",
        kind="within_city" if within else "city_to_city",
        host_city=host,
        start_date=day,
        end_date=day,
        purpose="Học hỏi",
        visiting_cities=[] if within else visitors,
        visiting_communities=[CommunityFactory(ward__city=host)] if within else [],
    )
    for city, count in people.items():
        for i in range(count):
            services.participant_add(
                exchange=exchange, by=staff, city=city, name=f"Người {city.pk}-{next(_n)}-{i}"
            )
    if state not in ("planned", "cancelled"):
        exchange = services.exchange_mark_held(exchange=exchange, by=staff)
    if state in ("report_submitted", "report_published"):
        services.exchange_report_save(exchange=exchange, by=staff, report_text="Báo cáo")
        exchange = services.exchange_submit_report(exchange=exchange, by=staff)
    if state == "report_published":
        exchange = services.exchange_publish(exchange=exchange, by=staff)
    if state == "cancelled":
        exchange = services.exchange_cancel(exchange=exchange, by=staff, comment="Huỷ")
    return exchange


@pytest.fixture
def data(db):
    staff = user_with_role(Role.PROGRAMME_STAFF)
    vinh, hd, qn, idle = (CityFactory(name=n) for n in ("Vinh", "Hải Dương", "Quy Nhơn", "Cà Mau"))
    _visit(staff, vinh, [hd], state="held", people={hd: 3, vinh: 2})
    _visit(staff, vinh, [hd], state="report_published", people={hd: 4})
    _visit(staff, vinh, [hd, qn], state="report_submitted", people={hd: 1, qn: 5})
    _visit(staff, hd, [vinh], state="report_published", people={vinh: 2})
    _visit(staff, qn, [], state="held", people={qn: 6}, within=True)
    # not counted: not taken place
    _visit(staff, idle, [vinh], state="planned", people={vinh: 9})
    _visit(staff, idle, [qn], state="cancelled", people={qn: 9})
    return {"staff": staff, "vinh": vinh, "hd": hd, "qn": qn, "idle": idle}


def _expected(user):
    """The same figures, the slow and obvious way: every visible exchange and participant row."""
    edges, within = {}, {}
    for x in (
        ExchangeVisit.objects.visible_to(user)
        .taken_place()
        .prefetch_related("visiting_cities", "participants")
    ):
        if x.kind == "within_city":
            visits, people = within.get(x.host_city.name, (0, 0))
            within[x.host_city.name] = (visits + 1, people + x.participants.count())
            continue
        for city in x.visiting_cities.all():
            key = (city.name, x.host_city.name)
            visits, people = edges.get(key, (0, 0))
            edges[key] = (visits + 1, people + sum(1 for p in x.participants.all() if p.city_id == city.pk))
    return edges, within


def test_numbers_equal_the_data(data):
    network = exchange_network(data["staff"])
    edges, within = _expected(data["staff"])
    assert {(e.source, e.target): (e.visits, e.people) for e in network.edges} == edges
    assert edges == {
        ("Hải Dương", "Vinh"): (3, 8),
        ("Quy Nhơn", "Vinh"): (1, 5),
        ("Vinh", "Hải Dương"): (1, 2),
    }
    assert {name: (v, p) for name, v, p in network.within} == within == {"Quy Nhơn": (1, 6)}
    assert "Cà Mau" in network.without and "Vinh" not in network.without
    assert (network.total_visits, network.total_people) == (6, 21)


def test_each_user_counts_only_what_they_see(data):
    secretary = user_with_role(Role.CDF_SECRETARY, data["qn"])
    for user in (secretary, UserFactory(), AnonymousUser()):
        network = exchange_network(user)
        edges, within = _expected(user)
        assert {(e.source, e.target): (e.visits, e.people) for e in network.edges} == edges
        assert {name: (v, p) for name, v, p in network.within} == within
    # the public sees no published report that is not marked public
    assert exchange_network(AnonymousUser()).edges == []


def test_constant_number_of_queries(data, django_assert_max_num_queries):
    staff = data["staff"]
    memberships_of(staff)
    with django_assert_max_num_queries(4):
        before = exchange_network(staff)
    for _ in range(3):
        _visit(staff, data["qn"], [data["hd"], data["vinh"]], state="held", people={data["hd"]: 2})
    with django_assert_max_num_queries(4):
        after = exchange_network(staff)
    assert after.total_visits == before.total_visits + 6


def test_page_and_svg(data, client, django_assert_max_num_queries):
    client.force_login(data["staff"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exchanges:network"))
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html and "Cà Mau" in html
    table = html[html.index("network-table") :]
    assert "Hải Dương" in table and ">8<" in table


def test_svg_escapes_names(db):
    from exchanges.network import Edge, Network

    network = Network(
        edges=[Edge(source_id=1, target_id=2, source="<script>", target="A&B", visits=2, people=3)],
        cities={1: "<script>alert(1)</script>", 2: "A&B"},
    )
    svg = network_svg(network)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A&amp;B" in svg
