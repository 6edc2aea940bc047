"""Exchanges in search: report text, lessons, topics and cities are found; participants never
are; who finds an exchange is who may see it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from exchanges import services
from portal.searchable import searchable_for
from search import indexing
from tests.exchanges import factories
from tests.factories import UserFactory
from tests.search.conftest import run, titles


@pytest.fixture
def net(db):
    return factories.network()


def test_exchanges_are_registered(db):
    from exchanges.models import ExchangeVisit

    assert searchable_for("exchange").model is ExchangeVisit


def test_report_lessons_topics_and_cities_are_found_not_people(net):
    exchange = factories.make(net, "held", title="Học tập Hưng Bình")
    services.participant_add(
        exchange=exchange,
        by=net.visitor_secretary,
        city=net.visitor,
        name="Lò Văn Riêng",
        phone="0911 000 111",
    )
    services.lesson_save(
        exchange=exchange, by=net.visitor_secretary, city=net.visitor, lessons="Sổ quỹ minh bạch"
    )
    services.exchange_report_save(
        exchange=exchange, by=net.host_secretary, report_text="Thăm chợ Vinh buổi sáng"
    )
    indexing.rebuild()
    for q in ("so quy minh bach", "chợ Vinh", "Savings groups", "Hải Dương"):
        assert titles(run(net.staff, q)) == ["Học tập Hưng Bình"], q
    assert titles(run(net.staff, "Riêng")) == []
    assert titles(run(net.staff, "0911000111")) == []


def test_who_finds_an_exchange(net):
    factories.make(net, "held", title="Chuyến chưa đăng")
    factories.make(net, "report_published", title="Chuyến đã đăng")
    indexing.rebuild()
    assert set(titles(run(net.visitor_secretary, "chuyen"))) == {"Chuyến chưa đăng", "Chuyến đã đăng"}
    for user in (net.other_secretary, UserFactory(), AnonymousUser()):
        assert titles(run(user, "chuyen")) == ["Chuyến đã đăng"]
