"""Role × scope × state: host secretary, visiting secretary, another city's secretary, staff,
the host's city official, any logged-in user and the public; the worklist and visibility Qs
agree with the per-object checks (the host-only place role included)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django_fsm import has_transition_perm

from exchanges import selectors, services
from exchanges.models import EXCHANGE_WORKFLOW, ExchangeVisit
from portal.models import Role
from tests.exchanges import factories
from tests.factories import UserFactory, user_with_role
from workflows.engine import WorkflowError, worklist

STATES = ["planned", "held", "report_submitted", "report_published", "cancelled"]
WHO = ["host_secretary", "visitor_secretary", "other_secretary", "staff", "host_official"]


@pytest.fixture
def net(db):
    return factories.network()


def _user(net, who):
    return getattr(net, who)


# (state) -> users who may view; published: everyone logged in
VIEW = {
    "planned": {"host_secretary", "visitor_secretary", "staff", "host_official"},
    "held": {"host_secretary", "visitor_secretary", "staff", "host_official"},
    "report_submitted": {"host_secretary", "visitor_secretary", "staff", "host_official"},
    "cancelled": {"host_secretary", "visitor_secretary", "staff", "host_official"},
    "report_published": set(WHO),
}
# (state) -> {action: users who may fire it}
FIRE = {
    "planned": {"mark_held": {"host_secretary", "staff"}, "cancel": {"host_secretary", "staff"}},
    "held": {"submit_report": set()},  # the report is not written yet: nobody
    "report_submitted": {"publish": {"staff"}, "send_back": {"staff"}},
    "report_published": {"send_back": {"staff"}},
    "cancelled": {},
}


@pytest.mark.parametrize("state", STATES)
def test_who_views_and_acts_in_each_state(net, state):
    exchange = factories.make(net, state)
    assert exchange.state == state
    for who in WHO:
        user = _user(net, who)
        assert EXCHANGE_WORKFLOW.can_view(user, exchange) == (who in VIEW[state]), (who, state)
        names = {a.name for a in EXCHANGE_WORKFLOW.actions_for(exchange, user)}
        expected = {name for name, users in FIRE[state].items() if who in users}
        assert names == expected, (who, state)
        editable = state in ("planned", "held") and who in {"host_secretary", "staff"}
        assert EXCHANGE_WORKFLOW.can_edit(user, exchange) == editable, (who, state)
    stranger = UserFactory()
    assert EXCHANGE_WORKFLOW.can_view(stranger, exchange) == (state == "report_published")
    # the public reads a published report only when it is marked public (the factory marks it)
    assert EXCHANGE_WORKFLOW.can_view(AnonymousUser(), exchange) == (state == "report_published")


def test_public_needs_the_public_mark(net):
    exchange = factories.make(net, "held")
    services.exchange_report_save(
        exchange=exchange, by=net.host_secretary, report_text="Báo cáo", is_public=False
    )
    exchange = services.exchange_submit_report(exchange=exchange, by=net.host_secretary)
    exchange = services.exchange_publish(exchange=exchange, by=net.staff)
    assert EXCHANGE_WORKFLOW.can_view(UserFactory(), exchange)
    assert not EXCHANGE_WORKFLOW.can_view(AnonymousUser(), exchange)
    assert not ExchangeVisit.objects.visible_to(AnonymousUser()).exists()


def test_held_report_is_submitted_by_the_host_only(net):
    exchange = factories.make(net, "held")
    services.exchange_report_save(exchange=exchange, by=net.host_secretary, report_text="Báo cáo")
    exchange.refresh_from_db()
    assert {a.name for a in EXCHANGE_WORKFLOW.actions_for(exchange, net.host_secretary)} == {"submit_report"}
    assert {a.name for a in EXCHANGE_WORKFLOW.actions_for(exchange, net.staff)} == {"submit_report"}
    for who in ("visitor_secretary", "other_secretary", "host_official"):
        assert EXCHANGE_WORKFLOW.actions_for(exchange, _user(net, who)) == []
        with pytest.raises(WorkflowError):
            services.exchange_submit_report(exchange=exchange, by=_user(net, who))


def test_visiting_secretary_cannot_plan_or_mark_held_for_the_host(net):
    with pytest.raises(WorkflowError):
        factories.plan(net, by=net.visitor_secretary)
    exchange = factories.plan(net)
    with pytest.raises(WorkflowError):
        services.exchange_mark_held(exchange=exchange, by=net.visitor_secretary)
    with pytest.raises(WorkflowError):
        services.exchange_update(exchange=exchange, by=net.visitor_secretary, title="Khác")
    assert ExchangeVisit.objects.get(pk=exchange.pk).state == "planned"


@pytest.mark.parametrize("state", ["planned", "held"])
def test_each_city_adds_its_own_side(net, state):
    exchange = factories.make(net, state)
    assert selectors.sides_for(net.host_secretary, exchange) == [net.host]
    assert selectors.sides_for(net.visitor_secretary, exchange) == [net.visitor]
    assert selectors.sides_for(net.other_secretary, exchange) == []
    assert set(selectors.sides_for(net.staff, exchange)) == {net.host, net.visitor}
    p, _m, _c = services.participant_add(
        exchange=exchange, by=net.visitor_secretary, city=net.visitor, name="Lê Thị Hoa"
    )
    assert p.city == net.visitor
    for user, city in (
        (net.visitor_secretary, net.host),
        (net.host_secretary, net.visitor),
        (net.other_secretary, net.visitor),
        (net.host_official, net.host),
    ):
        with pytest.raises(WorkflowError):
            services.participant_add(exchange=exchange, by=user, city=city, name="Trần Văn Tư")
    with pytest.raises(WorkflowError):
        services.participant_remove(participant=p, by=net.host_secretary)


def test_lessons_each_city_its_own(net):
    exchange = factories.make(net, "held")
    services.lesson_save(
        exchange=exchange, by=net.visitor_secretary, city=net.visitor, lessons="Học cách ghi sổ"
    )
    services.lesson_save(exchange=exchange, by=net.host_secretary, city=net.host, lessons="Chia sẻ mô hình")
    with pytest.raises(WorkflowError):
        services.lesson_save(exchange=exchange, by=net.visitor_secretary, city=net.host, lessons="Ghi đè")
    with pytest.raises(WorkflowError):
        services.lesson_save(exchange=exchange, by=net.other_secretary, city=net.visitor, lessons="Ghi đè")
    assert dict(exchange.lessons.values_list("city__name", "lessons")) == {
        "Hải Dương": "Học cách ghi sổ",
        "Vinh": "Chia sẻ mô hình",
    }


@pytest.fixture
def mixed(net):
    for state in STATES:
        factories.make(net, state)
        factories.make(net, state, kind=ExchangeVisit.Kind.WITHIN_CITY)
    written = factories.make(net, "held")
    services.exchange_report_save(exchange=written, by=net.host_secretary, report_text="Xong")
    future = factories.plan(net, start=factories.timezone.localdate() + factories.datetime.timedelta(days=5))
    assert future.state == "planned"
    visitor_community_rep = user_with_role(Role.COMMUNITY_REPRESENTATIVE, net.visitor_community)
    return [*(getattr(net, who) for who in WHO), visitor_community_rep, UserFactory(), AnonymousUser()]


def test_worklist_agrees_with_per_object_guard(mixed):
    non_empty = 0
    for user in mixed:
        got = (
            set(worklist(user)[EXCHANGE_WORKFLOW].values_list("pk", flat=True))
            if user.is_authenticated
            else set()
        )
        expected = {
            x.pk
            for x in ExchangeVisit.objects.prefetch_related("visiting_cities")
            if any(has_transition_perm(getattr(x, n), user) for n in EXCHANGE_WORKFLOW.transition_names())
        }
        assert got == expected, user
        non_empty += bool(got)
    assert non_empty >= 2


def test_visible_q_agrees_with_can_view(mixed):
    for user in mixed:
        visible = set(ExchangeVisit.objects.visible_to(user).values_list("pk", flat=True))
        expected = {x.pk for x in ExchangeVisit.objects.all() if EXCHANGE_WORKFLOW.can_view(user, x)}
        assert visible == expected, user


def test_place_role_is_named_in_the_diagram(db):
    roles = {r for edge in EXCHANGE_WORKFLOW.graph() for way in edge["ways"] for r in way["roles"]}
    assert "CDF secretary of the host city" in roles
