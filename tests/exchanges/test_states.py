"""State rules: no report before the visit is held; a cancelled visit takes no report; a visit
is marked held only once it has started; bad details change nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_fsm_log.models import StateLog

from exchanges import services
from exchanges.models import ExchangeVisit
from tests.exchanges import factories
from workflows.engine import TransitionConflict, WorkflowError


@pytest.fixture
def net(db):
    return factories.network()


def test_no_report_before_the_visit_is_held(net):
    exchange = factories.plan(net)
    with pytest.raises(WorkflowError, match="once the visit is held"):
        services.exchange_report_save(exchange=exchange, by=net.host_secretary, report_text="Sớm quá")
    with pytest.raises(WorkflowError):
        services.exchange_submit_report(exchange=exchange, by=net.host_secretary)
    with pytest.raises(WorkflowError):
        services.exchange_file_add(
            exchange=exchange, by=net.host_secretary, upload=factories.photo(), kind="photo"
        )
    with pytest.raises(WorkflowError):
        services.lesson_save(exchange=exchange, by=net.host_secretary, city=net.host, lessons="Sớm quá")
    exchange.refresh_from_db()
    assert (exchange.state, exchange.report_text, exchange.files.count(), exchange.lessons.count()) == (
        "planned",
        "",
        0,
        0,
    )


def test_report_must_be_written_before_it_is_submitted(net):
    exchange = factories.make(net, "held")
    with pytest.raises(WorkflowError, match="the report is written"):
        services.exchange_submit_report(exchange=exchange, by=net.host_secretary)
    assert ExchangeVisit.objects.get(pk=exchange.pk).state == "held"


def test_a_cancelled_visit_takes_no_report(net):
    exchange = factories.plan(net)
    with pytest.raises(WorkflowError, match="comment"):
        services.exchange_cancel(exchange=exchange, by=net.host_secretary, comment=" ")
    exchange = services.exchange_cancel(exchange=exchange, by=net.host_secretary, comment="Bão lớn")
    assert exchange.state == "cancelled"
    assert StateLog.objects.for_(exchange).get().description == "Bão lớn"
    for attempt in (
        lambda: services.exchange_report_save(exchange=exchange, by=net.host_secretary, report_text="x"),
        lambda: services.exchange_submit_report(exchange=exchange, by=net.host_secretary),
        lambda: services.exchange_mark_held(exchange=exchange, by=net.host_secretary),
        lambda: services.participant_add(
            exchange=exchange, by=net.host_secretary, city=net.host, name="Lê Lan"
        ),
        lambda: services.lesson_save(exchange=exchange, by=net.host_secretary, city=net.host, lessons="x"),
        lambda: services.exchange_file_add(
            exchange=exchange, by=net.host_secretary, upload=factories.photo(), kind="photo"
        ),
    ):
        with pytest.raises(WorkflowError):
            attempt()
    exchange.refresh_from_db()
    assert (exchange.state, exchange.report_text, exchange.participants.count()) == ("cancelled", "", 0)


def test_marked_held_only_once_started(net):
    exchange = factories.plan(net, start=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(WorkflowError, match="has started"):
        services.exchange_mark_held(exchange=exchange, by=net.host_secretary)
    assert ExchangeVisit.objects.get(pk=exchange.pk).state == "planned"


def test_a_stale_page_is_a_conflict(net):
    exchange = factories.plan(net)
    services.exchange_mark_held(exchange=exchange, by=net.host_secretary)
    with pytest.raises(TransitionConflict):
        services.exchange_cancel(exchange=exchange, by=net.staff, comment="Huỷ", expected_state="planned")


def test_send_back_reopens_the_report_and_locks_after_submit(net):
    exchange = factories.make(net, "report_submitted")
    with pytest.raises(WorkflowError):
        services.lesson_save(exchange=exchange, by=net.visitor_secretary, city=net.visitor, lessons="Muộn")
    with pytest.raises(WorkflowError):
        services.exchange_send_back(exchange=exchange, by=net.staff, comment="")
    exchange = services.exchange_send_back(exchange=exchange, by=net.staff, comment="Thiếu ảnh")
    assert exchange.state == "held"
    services.lesson_save(exchange=exchange, by=net.visitor_secretary, city=net.visitor, lessons="Bổ sung")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visiting_cities": []}, "visiting_cities"),
        ({"kind": "within_city"}, "visiting_cities"),
    ],
)
def test_bad_places_change_nothing(net, change, field):
    exchange = factories.plan(net)
    with pytest.raises(ValidationError) as caught:
        services.exchange_update(exchange=exchange, by=net.host_secretary, **change)
    assert field in caught.value.message_dict
    exchange.refresh_from_db()
    assert exchange.kind == "city_to_city" and list(exchange.visiting_cities.all()) == [net.visitor]


def test_the_host_cannot_visit_itself(net):
    with pytest.raises(ValidationError):
        services.exchange_plan(
            by=net.host_secretary,
            title="x",
            kind="city_to_city",
            host_city=net.host,
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
            purpose="x",
            visiting_cities=[net.host],
        )
    assert not ExchangeVisit.objects.exists()
