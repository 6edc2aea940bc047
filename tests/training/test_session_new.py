import pytest
from django.urls import reverse

from portal.models import Role
from tests.factories import CityFactory, user_with_role
from training.models import TrainingSession

from . import factories


@pytest.fixture
def cities(db):
    return CityFactory(name="Vinh"), CityFactory(name="Huế")


def _post(client, city, **extra):
    return client.post(
        reverse("training:session_new"),
        {
            "course": factories.course().pk,
            "city": city.pk,
            "venue": "Nhà văn hóa khối 3",
            "starts_at": "2026-12-08T08:00",
            "ends_at": "2026-12-09T17:00",
            "capacity": 40,
            **extra,
        },
    )


@pytest.mark.parametrize(
    "who,target,created",
    [
        ("staff", "other", True),
        ("city_trainer", "own", True),
        ("city_trainer", "other", False),
        ("national_trainer", "other", True),
    ],
)
def test_who_may_schedule_where(client, cities, who, target, created):
    own, other = cities
    user = {
        "staff": lambda: user_with_role(Role.PROGRAMME_STAFF),
        "city_trainer": lambda: user_with_role(Role.TRAINER, own),
        "national_trainer": lambda: user_with_role(Role.TRAINER),
    }[who]()
    client.force_login(user)
    city = own if target == "own" else other
    response = _post(client, city)
    session = TrainingSession.objects.filter(city=city).first()
    assert (session is not None) == created
    if created:
        assert response.status_code == 302
        assert (
            session.code == "vinh-2026-cdf_software" if city == own else session.code.startswith("hue-2026")
        )
        assert session.status == "planned"
        if who != "staff":
            assert list(session.trainers.all()) == [user]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.CDF_SECRETARY, Role.CITY_OFFICIAL])
def test_others_may_not_schedule(client, cities, role):
    client.force_login(user_with_role(role, cities[0]))
    assert client.get(reverse("training:session_new")).status_code == 403
    assert _post(client, cities[0]).status_code == 403
    assert not TrainingSession.objects.exists()


def test_end_before_start_and_taken_code_are_refused(client, cities):
    client.force_login(user_with_role(Role.PROGRAMME_STAFF))
    response = _post(client, cities[0], ends_at="2026-12-07T08:00")
    assert response.status_code == 200 and not TrainingSession.objects.exists()
    assert _post(client, cities[0], code="vinh-cdf").status_code == 302
    assert _post(client, cities[0], code="vinh-cdf").status_code == 200
    assert TrainingSession.objects.count() == 1
