"""Pages: who gets what status on each screen, the public page shows no personal data, private
files never leave without a permission check, bad input gets a message and changes nothing,
the list runs a constant number of queries."""

import pytest
from django.urls import reverse

from exchanges import services
from exchanges.models import ExchangeFile, ExchangeVisit
from tests.exchanges import factories
from tests.factories import UserFactory


@pytest.fixture
def net(db):
    return factories.network()


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("state", "who", "status"),
    [
        ("planned", "host_secretary", 200),
        ("planned", "visitor_secretary", 200),
        ("planned", "other_secretary", 404),
        ("planned", "staff", 200),
        ("planned", None, 302),
        ("report_published", "other_secretary", 200),
        ("report_published", None, 200),
    ],
)
def test_detail_status(net, client, state, who, status):
    exchange = factories.make(net, state)
    if who:
        _login(client, getattr(net, who))
    assert client.get(reverse("exchanges:detail", args=[exchange.pk])).status_code == status


def test_public_page_shows_no_personal_data(net, client):
    exchange = factories.make(net, "held")
    services.participant_add(
        exchange=exchange,
        by=net.visitor_secretary,
        city=net.visitor,
        name="Lò Thị Riêng Tư",
        phone="0911 222 333",
    )
    services.lesson_save(
        exchange=exchange, by=net.visitor_secretary, city=net.visitor, lessons="Bài học công khai"
    )
    public_photo = services.exchange_file_add(
        exchange=exchange, by=net.host_secretary, upload=factories.photo(), kind="photo", is_public=True
    )
    private_doc = services.exchange_file_add(
        exchange=exchange, by=net.host_secretary, upload=factories.pdf(), kind="document"
    )
    factories.advance(exchange, "report_published", net=net)
    html = client.get(
        reverse("exchanges:detail", args=[exchange.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Bài học công khai" in html and "1 person took part" in html
    assert "Lò Thị Riêng Tư" not in html and "0911" not in html
    assert reverse("exchanges:file", args=[public_photo.pk]) in html
    assert reverse("exchanges:file", args=[private_doc.pk]) not in html
    assert client.get(reverse("exchanges:file", args=[public_photo.pk])).status_code == 200
    assert client.get(reverse("exchanges:file", args=[private_doc.pk])).status_code == 302  # log in first
    # logged in, anyone reads the published report's participants' names, not their phones
    _login(client, UserFactory())
    html = client.get(reverse("exchanges:detail", args=[exchange.pk])).content.decode()
    assert "Lò Thị Riêng Tư" in html and "0911" not in html
    assert client.get(reverse("exchanges:file", args=[private_doc.pk])).status_code == 200


def test_unknown_and_hidden_look_the_same(net, client):
    hidden = factories.make(net, "planned")
    for url in (
        reverse("exchanges:detail", args=[hidden.pk]),
        reverse("exchanges:detail", args=[hidden.pk + 999]),
    ):
        assert client.get(url).status_code == 302  # the public: log in first, either way
        assert _login(client, net.other_secretary).get(url).status_code == 404
        client.logout()


def test_detail_page_constant_queries(net, client, django_assert_max_num_queries):
    exchange = factories.make(net, "held")
    _login(client, net.host_secretary)
    url = reverse("exchanges:detail", args=[exchange.pk])
    client.get(url)
    with django_assert_max_num_queries(25) as first:
        client.get(url)
    for i in range(6):
        services.participant_add(exchange=exchange, by=net.host_secretary, city=net.host, name=f"Người {i}")
        services.participant_add(
            exchange=exchange, by=net.visitor_secretary, city=net.visitor, name=f"Khách {i}"
        )
    services.lesson_save(exchange=exchange, by=net.visitor_secretary, city=net.visitor, lessons="Bài học")
    services.exchange_file_add(
        exchange=exchange, by=net.host_secretary, upload=factories.photo(), kind="photo"
    )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<tr id="p') == 12


def test_files_are_private_until_published(net, client):
    exchange = factories.make(net, "held")
    item = services.exchange_file_add(
        exchange=exchange, by=net.host_secretary, upload=factories.photo(), kind="photo", is_public=True
    )
    assert item.file.name.startswith("documents/exchanges/")
    url = reverse("exchanges:file", args=[item.pk])
    assert client.get(url).status_code == 302
    assert _login(client, net.other_secretary).get(url).status_code == 404
    response = _login(client, net.visitor_secretary).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("anh.exe", b"MZ\x90\x00", "photo"),
        ("anh.png", b"%PDF-1.4 not an image", "photo"),
        ("anh.png", b"", "photo"),
        ("bien-ban.pdf", b"\x89PNG\r\n\x1a\n", "document"),
    ],
)
def test_bad_files_are_refused_with_a_message(net, client, name, content, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exchange = factories.make(net, "held")
    _login(client, net.host_secretary)
    response = client.post(
        reverse("exchanges:file_add", args=[exchange.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert response.context["file_form"].errors
    assert not ExchangeFile.objects.exists()


def test_a_too_large_photo_is_refused(net, monkeypatch):
    from portal import uploads
    from workflows.engine import WorkflowError

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    exchange = factories.make(net, "held")
    with pytest.raises(WorkflowError, match="too large"):
        services.exchange_file_add(
            exchange=exchange, by=net.host_secretary, upload=factories.photo(size=(200, 200)), kind="photo"
        )


def test_plan_from_the_form_and_bad_input_changes_nothing(net, client):
    _login(client, net.host_secretary)
    url = reverse("exchanges:new")
    base = {
        "title": "Học tập Hải Dương",
        "kind": "city_to_city",
        "host_city": net.host.pk,
        "visiting_cities": [net.visitor.pk],
        "start_date": "2026-03-10",
        "end_date": "2026-03-09",
        "purpose": "Học",
        "paid_by": "host_cdf",
        "budget": "-5",
    }
    response = client.post(url, base)
    assert response.status_code == 200 and not ExchangeVisit.objects.exists()
    assert {"end_date", "budget"} <= set(response.context["form"].errors)
    response = client.post(
        url, {**base, "visiting_cities": [net.host.pk], "end_date": "2026-03-11", "budget": "0"}
    )
    assert response.status_code == 200 and "visiting_cities" in response.context["form"].errors
    assert not ExchangeVisit.objects.exists()
    response = client.post(
        url, {**base, "end_date": "2026-03-11", "budget": "15000000", "topics": ["forums"]}
    )
    exchange = ExchangeVisit.objects.get()
    assert response.status_code == 302 and exchange.budget == 15_000_000
    assert list(exchange.topics.values_list("topic", flat=True)) == ["forums"]
    # another city's secretary cannot plan in the host city
    _login(client, net.visitor_secretary)
    response = client.post(url, {**base, "end_date": "2026-03-11", "budget": "0"})
    assert response.status_code == 200 and ExchangeVisit.objects.count() == 1


def test_posts_by_outsiders_are_refused(net, client):
    exchange = factories.make(net, "held")
    _login(client, net.other_secretary)
    for name in ("participant_add", "lesson_save", "report_save", "file_add"):
        response = client.post(reverse(f"exchanges:{name}", args=[exchange.pk]), {"city": net.visitor.pk})
        assert response.status_code == 404, name
    response = client.post(reverse("exchanges:transition", args=[exchange.pk, "cancel"]), {"comment": "x"})
    assert response.status_code == 404
    _login(client, net.visitor_secretary)
    response = client.post(reverse("exchanges:report_save", args=[exchange.pk]), {"report_text": "Chiếm"})
    assert response.status_code == 403
    response = client.post(
        reverse("exchanges:transition", args=[exchange.pk, "submit_report"]), {"state": "held"}, follow=True
    )
    assert "You may not" in response.content.decode() or "không" in response.content.decode()
    exchange.refresh_from_db()
    assert (exchange.state, exchange.report_text) == ("held", "")


def test_report_form_save_then_submit(net, client):
    exchange = factories.make(net, "held")
    _login(client, net.host_secretary)
    url = reverse("exchanges:report_save", args=[exchange.pk])
    response = client.post(url, {"report_text": "", "submit": "1"})
    assert response.status_code == 400
    assert ExchangeVisit.objects.get(pk=exchange.pk).state == "held"
    response = client.post(url, {"report_text": "Đoàn Hải Dương thăm ba nhóm tiết kiệm.", "submit": "1"})
    assert response.status_code == 302
    assert ExchangeVisit.objects.get(pk=exchange.pk).state == "report_submitted"


def test_list_filters_and_constant_queries(net, client, django_assert_max_num_queries):
    for state in ("planned", "held", "report_published"):
        factories.make(net, state)
    factories.make(net, "held", kind="within_city")
    _login(client, net.staff)
    url = reverse("exchanges:list")
    with django_assert_max_num_queries(14):
        first = client.get(url)
    for _ in range(5):
        factories.make(net, "held")
    with django_assert_max_num_queries(14):
        second = client.get(url)
    assert len(second.context["page"].object_list) == len(first.context["page"].object_list) + 5
    assert len(client.get(url, {"kind": "within_city"}).context["page"].object_list) == 1
    assert len(client.get(url, {"state": "planned"}).context["page"].object_list) == 1
    assert len(client.get(url, {"topic": "forums"}).context["page"].object_list) == 0
    assert len(client.get(url, {"city": net.visitor.pk}).context["page"].object_list) == 8
    assert client.get(url, {"year": "abc"}).status_code == 200
    _login(client, net.other_secretary)
    assert len(client.get(url).context["page"].object_list) == 1  # only the published one
