"""The admin honours the exchange workflow; My work and the menu link exchanges; pages speak
Vietnamese."""

import pytest
from django.urls import reverse

from exchanges.models import ExchangeVisit
from portal.models import Role
from tests.exchanges import factories
from tests.factories import user_with_role


@pytest.fixture
def net(db):
    return factories.network()


@pytest.fixture
def staff_admin(db):
    user = user_with_role(Role.PROGRAMME_STAFF, username="ngoc")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("model", ["exchangevisit", "exchangeparticipant"])
def test_staff_admin_lists_and_exports(client, net, staff_admin, model):
    exchange = factories.make(net, "held")
    from exchanges import services

    services.participant_add(exchange=exchange, by=net.host_secretary, city=net.host, name="Lê Văn An")
    client.force_login(staff_admin)
    url = f"/admin/snippets/exchanges/{model}/"
    assert client.get(url).status_code == 200
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_admin_edits_only_while_editable_and_never_the_state(client, net, staff_admin):
    held = factories.make(net, "held")
    published = factories.make(net, "report_published")
    client.force_login(staff_admin)
    body = client.get(f"/admin/snippets/exchanges/exchangevisit/edit/{held.pk}/").content.decode()
    assert 'name="title"' in body and 'name="state"' not in body
    assert client.get(f"/admin/snippets/exchanges/exchangevisit/edit/{published.pk}/").status_code in (
        302,
        403,
    )
    assert ExchangeVisit.objects.get(pk=published.pk).state == "report_published"


def test_my_work_and_menu(client, net):
    exchange = factories.make(net, "planned")
    for user in (net.host_secretary, net.visitor_secretary):
        client.force_login(user)
        body = client.get(reverse("portal:my_work"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Exchanges under way" in body
        assert reverse("exchanges:detail", args=[exchange.pk]) in body
        assert f'href="{reverse("exchanges:list")}"' in body
    client.force_login(net.other_secretary)
    body = client.get(reverse("portal:my_work"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("exchanges:detail", args=[exchange.pk]) not in body


def test_awaiting_my_action_lists_the_hosts_exchange(client, net):
    exchange = factories.make(net, "planned")
    client.force_login(net.host_secretary)
    body = client.get(reverse("portal:my_work"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count(reverse("exchanges:detail", args=[exchange.pk])) >= 2  # worklist and panel
    client.force_login(net.visitor_secretary)
    body = client.get(reverse("portal:my_work"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count(reverse("exchanges:detail", args=[exchange.pk])) == 1  # panel only


def test_pages_in_vietnamese(client, net):
    exchange = factories.make(net, "held")
    client.force_login(net.host_secretary)
    body = client.get(
        reverse("exchanges:detail", args=[exchange.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert "Người tham gia" in body and "Bài học kinh nghiệm" in body and "12.000.000" in body
    body = client.get(reverse("exchanges:network"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Mạng lưới trao đổi" in body
