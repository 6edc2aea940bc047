from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django_fsm_log.models import StateLog

from exchanges.models import ExchangeFile, ExchangeLesson, ExchangeParticipant, ExchangeVisit
from exchanges.network import exchange_network
from portal.models import Person


def _counts():
    return (
        ExchangeVisit.objects.count(),
        ExchangeParticipant.objects.count(),
        ExchangeLesson.objects.count(),
        ExchangeFile.objects.count(),
        StateLog.objects.filter(content_type__model="exchangevisit").count(),
        Person.objects.count(),
    )


def test_demo_exchanges_through_the_services_and_idempotent(db, django_user_model):
    call_command("seed_demo", stdout=StringIO())
    states = dict(ExchangeVisit.objects.values_list("state").annotate(n=Count("id")))
    assert states == {"report_published": 4, "report_submitted": 1, "held": 2, "cancelled": 1, "planned": 1}
    assert ExchangeVisit.objects.filter(kind="within_city").count() == 2
    assert ExchangeFile.objects.filter(kind="photo").count() == 10
    # participants come from the registry: no new people were made for them
    assert ExchangeParticipant.objects.count() > 50
    assert (
        not Person.objects.filter(exchange_participations__isnull=False, training_attendances__isnull=True)
        .filter(phone="")
        .exists()
    )
    staff = django_user_model.objects.get(username="staff")
    network = exchange_network(staff)
    assert {(e.source, e.target) for e in network.edges} >= {("Hải Dương", "Vinh"), ("Vinh", "Quy Nhơn")}
    assert "Rạch Giá" in network.without
    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
