"""The search declaration: report text, lessons, topics and cities, no personal data, and the
visibility the pages use."""

import pytest
from django.contrib.auth.models import AnonymousUser

from exchanges import searchable, services
from exchanges.models import ExchangeVisit
from tests.exchanges import factories
from tests.factories import UserFactory


@pytest.fixture
def net(db):
    return factories.network()


def test_document_carries_text_lessons_topics_and_cities_not_people(net, django_assert_max_num_queries):
    exchange = factories.make(net, "held")
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
        exchange=exchange, by=net.host_secretary, report_text="Thăm nhóm tiết kiệm Hưng Bình"
    )
    factories.make(net, "planned")
    with django_assert_max_num_queries(4):
        docs = {d["pk"]: d for d in map(searchable.document, searchable.queryset())}
    doc = docs[exchange.pk]
    assert "Hưng Bình" in doc["text"] and "Sổ quỹ minh bạch" in doc["text"]
    assert set(doc["facets"]["city"]) == {"Vinh", "Hải Dương"}
    assert "Savings groups" in doc["facets"]["topic"]
    assert "Riêng" not in str(doc) and "0911" not in str(doc)
    assert doc["url"] == exchange.get_absolute_url()


def test_visibility_is_the_workflows(net):
    hidden = factories.make(net, "held")
    published = factories.make(net, "report_published")
    for user in (net.other_secretary, UserFactory(), AnonymousUser()):
        found = set(ExchangeVisit.objects.filter(searchable.visible_q(user)))
        assert hidden not in found and published in found
    assert hidden in set(ExchangeVisit.objects.filter(searchable.visible_q(net.visitor_secretary)))
