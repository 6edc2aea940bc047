"""A phone number or a name never reveals a person of another city: walk-ins and imports (and
their previews) match only people in the cities the trainer covers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import Person, Role
from tests.factories import CityFactory, PersonFactory, user_with_role
from training.models import Attendance

from . import factories
from .test_import import HEADER


@pytest.fixture
def vinh(db):
    vinh, hai_duong = CityFactory(name="Vinh"), CityFactory(name="Hải Dương")
    trainer = user_with_role(Role.TRAINER, vinh)
    session = factories.session(city=vinh, days=1, trainers=[trainer], code="vinh-1")
    stranger = PersonFactory(
        name="Trịnh Thị Bí Mật",
        phone="0977 123 456",
        city=hai_duong,
        organisation="Hội Phụ nữ Hải Dương",
        year_of_birth=1975,
    )
    neighbour = PersonFactory(name="Lê Thị Gần", phone="0977 654 321", city=vinh, year_of_birth=1980)
    return session, trainer, stranger, neighbour


def test_a_walk_in_with_a_phone_from_another_city_is_a_new_person(client, vinh):
    session, trainer, stranger, _ = vinh
    client.force_login(trainer)
    response = client.post(
        reverse("training:walk_in", args=[session.pk]),
        {"name": "Chị Hoa", "gender": "female", "phone": "0977123456", "role": "community_member"},
        follow=True,
    )
    page = response.content.decode()
    assert "Bí Mật" not in page and "Hải Dương" not in page
    assert "Chị Hoa" in page
    attendance = Attendance.objects.get(session=session)
    assert attendance.person != stranger
    assert attendance.person.city == session.city
    assert attendance.person.organisation == ""
    assert Person.objects.filter(phone_normalized="0977123456").count() == 2  # staff merge later


def test_a_walk_in_matching_someone_in_the_trainers_city_is_reused(client, vinh):
    session, trainer, _, neighbour = vinh
    client.force_login(trainer)
    client.post(
        reverse("training:walk_in", args=[session.pk]),
        {"name": "Le Thi Gan", "gender": "female", "phone": "0977654321", "role": "community_member"},
    )
    assert Attendance.objects.get(session=session).person == neighbour


def test_the_import_preview_reveals_nobody_from_another_city(client, vinh):
    session, trainer, stranger, neighbour = vinh
    day = session.days[0].strftime("%d/%m/%Y")
    sheet = HEADER + f"{session.code},{day},Chị Hoa,Nữ,,0977 123 456,,,x\n"
    sheet += f"{session.code},{day},Lê Thị Gần,Nữ,,0977 654 321,,,x\n"
    client.force_login(trainer)
    response = client.post(
        reverse("training:import_sheet", args=[session.pk]),
        {"file": SimpleUploadedFile("a.csv", sheet.encode())},
    )
    page = response.content.decode()
    assert "Bí Mật" not in page and "Hải Dương" not in page
    report = response.context["report"]
    assert [m.person for _, m in report.matches] == [neighbour]
    assert report.new_people == 1


def test_programme_staff_cover_every_city(client, vinh):
    session, _, stranger, _ = vinh
    staff = user_with_role(Role.PROGRAMME_STAFF)
    client.force_login(staff)
    client.post(
        reverse("training:walk_in", args=[session.pk]),
        {"name": "Chị Hoa", "gender": "female", "phone": "0977123456", "role": "community_member"},
    )
    assert Attendance.objects.get(session=session).person == stranger
