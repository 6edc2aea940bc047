"""PlaceRole: a role held over a two-city record through only one of its places. Checked on a
throwaway declaration over the exchange model's shape (host city FK, visiting cities m2m), so
the permission API is tested without an app's workflow."""

import pytest

from exchanges.models import HOST_SECRETARY, ExchangeVisit
from portal.models import Role
from portal.permissions import may_hold, scope_q, user_has_role, user_roles, users_with_role
from tests.exchanges import factories
from tests.factories import UserFactory


@pytest.fixture
def net(db):
    return factories.network()


def test_place_role_covers_only_its_places(net):
    exchange = factories.plan(net)
    assert user_has_role(net.host_secretary, HOST_SECRETARY, exchange)
    assert not user_has_role(net.visitor_secretary, HOST_SECRETARY, exchange)
    assert user_has_role(net.visitor_secretary, Role.CDF_SECRETARY, exchange)  # both cities read
    assert not user_has_role(net.host_official, HOST_SECRETARY, exchange)
    assert user_has_role(UserFactory(), HOST_SECRETARY, exchange) is False
    assert HOST_SECRETARY in user_roles(net.host_secretary, exchange)
    assert HOST_SECRETARY not in user_roles(net.visitor_secretary, exchange)


def test_place_role_q_agrees_with_the_check(net):
    mine = factories.plan(net)
    # the same two cities the other way round: the visitor hosts
    net.host, net.visitor = net.visitor, net.host
    net.host_community, net.visitor_community = net.visitor_community, net.host_community
    theirs = factories.plan(net, by=net.visitor_secretary)
    net.host, net.visitor = net.visitor, net.host
    for user in (
        net.host_secretary,
        net.visitor_secretary,
        net.other_secretary,
        net.staff,
        net.host_official,
    ):
        got = set(ExchangeVisit.objects.filter(scope_q(ExchangeVisit, user, HOST_SECRETARY)))
        expected = {x for x in (mine, theirs) if user_has_role(user, HOST_SECRETARY, x)}
        assert got == expected, user
    assert set(ExchangeVisit.objects.filter(scope_q(ExchangeVisit, net.host_secretary, HOST_SECRETARY))) == {
        mine
    }
    assert not ExchangeVisit.objects.filter(scope_q(ExchangeVisit, net.staff, HOST_SECRETARY)).exists()


def test_may_hold_and_users_with_role(net):
    exchange = factories.plan(net)
    assert may_hold(net.visitor_secretary, ExchangeVisit, HOST_SECRETARY)  # could host another one
    assert not may_hold(net.host_official, ExchangeVisit, HOST_SECRETARY)
    assert set(users_with_role(exchange, HOST_SECRETARY)) == {net.host_secretary}
    assert set(users_with_role(exchange, Role.CDF_SECRETARY)) == {net.host_secretary, net.visitor_secretary}
