"""Matching new entries to the people registry, and merging duplicates (portal stays
independent of training: relations are found generically, clashes resolved by a hook)."""

import pytest
from django.urls import reverse

from portal.models import Person, Role
from portal.selectors import person_duplicate_groups, person_find_match
from portal.services import PersonMergeError, person_match_or_create, person_merge
from tests.factories import CityFactory, PersonFactory, UserFactory, user_with_role


@pytest.fixture
def city(db):
    return CityFactory()


def test_match_by_phone_in_any_format(city):
    person = PersonFactory(phone="0912 345 678", city=city)
    match = person_find_match(name="Anyone", phone="+84912345678")
    assert match.person == person and match.reason == "phone"


def test_match_by_folded_name_and_year_in_the_same_city(city):
    person = PersonFactory(name="Nguyễn Thị Hường", year_of_birth=1978, phone="", city=city)
    match = person_find_match(name="  nguyen thi  huong ", year_of_birth=1978, city=city)
    assert match.person == person and match.reason == "name_year_city"
    assert person_find_match(name="Nguyễn Thị Hường", year_of_birth=1979, city=city) is None
    assert person_find_match(name="Nguyễn Thị Hường", year_of_birth=1978, city=CityFactory()) is None


def test_a_different_phone_is_a_different_person(city):
    PersonFactory(name="Lê Văn Hải", year_of_birth=1970, phone="0911111111", city=city)
    assert person_find_match(name="Lê Văn Hải", year_of_birth=1970, city=city, phone="0922222222") is None


def test_match_among_a_list_by_name(city):
    person = PersonFactory(name="Phạm Thị Mai", year_of_birth=None, phone="", city=city)
    among = Person.objects.filter(pk=person.pk)
    assert person_find_match(name="Pham Thi Mai", among=among).reason == "roster_name"
    assert person_find_match(name="Pham Thi Mai") is None


def test_match_or_create_creates_once(city):
    first, match = person_match_or_create(name="Võ Thị Sáu", phone="0988 000 111", city=city)
    assert match is None
    again, match = person_match_or_create(name="Vo Thi Sau", phone="0988000111", city=city)
    assert again == first and match.reason == "phone"


def test_merge_moves_every_relation_and_fills_blanks(city):
    staff = user_with_role(Role.PROGRAMME_STAFF)
    keep = PersonFactory(name="Trần Thị Lan", phone="", year_of_birth=None, city=city, organisation="")
    remove = PersonFactory(
        name="Tran Thi Lan",
        phone="0977 123 456",
        year_of_birth=1980,
        city=city,
        organisation="Hội Phụ nữ",
        user=UserFactory(),
    )
    login = remove.user
    person, moved = person_merge(keep=keep, remove=remove, by=staff)
    assert not Person.objects.filter(pk=remove.pk).exists()
    person.refresh_from_db()
    assert (person.phone, person.year_of_birth, person.organisation, person.user) == (
        "0977 123 456",
        1980,
        "Hội Phụ nữ",
        login,
    )


@pytest.mark.parametrize("role", [Role.TRAINER, Role.CDF_SECRETARY, Role.CITY_OFFICIAL])
def test_only_programme_staff_may_merge(city, role):
    user = user_with_role(role, city)
    keep, remove = PersonFactory(city=city), PersonFactory(city=city)
    with pytest.raises(PersonMergeError):
        person_merge(keep=keep, remove=remove, by=user)
    assert Person.objects.filter(pk=remove.pk).exists()


def test_merging_two_logins_is_refused(city):
    staff = user_with_role(Role.PROGRAMME_STAFF)
    keep, remove = PersonFactory(city=city, user=UserFactory()), PersonFactory(city=city, user=UserFactory())
    with pytest.raises(PersonMergeError, match="portal login"):
        person_merge(keep=keep, remove=remove, by=staff)
    assert Person.objects.filter(pk=remove.pk).exists()


def test_duplicate_groups(city):
    a = PersonFactory(phone="0912000000", city=city)
    b = PersonFactory(phone="+84 912 000 000", city=city)
    c = PersonFactory(name="Đỗ Văn Sơn", year_of_birth=1960, phone="", city=city)
    d = PersonFactory(name="Do Van Son", year_of_birth=1960, phone="", city=city)
    PersonFactory()
    groups = [{p.pk for p in g["people"]} for g in person_duplicate_groups()]
    assert groups == [{a.pk, b.pk}, {c.pk, d.pk}]


@pytest.mark.parametrize(
    "role,allowed", [(Role.PROGRAMME_STAFF, True), (Role.TRAINER, False), (Role.CDF_SECRETARY, False)]
)
def test_merge_screens_are_for_staff(client, city, role, allowed):
    user = user_with_role(role, None if role == Role.PROGRAMME_STAFF else city)
    keep, remove = PersonFactory(city=city), PersonFactory(city=city)
    client.force_login(user)
    assert client.get(reverse("portal:people_duplicates")).status_code == (200 if allowed else 403)
    url = reverse("portal:person_merge")
    assert client.get(url, {"keep": keep.pk, "remove": remove.pk}).status_code == (200 if allowed else 403)
    response = client.post(url, {"keep": keep.pk, "remove": remove.pk, "confirm": "1"})
    assert response.status_code == (302 if allowed else 403)
    assert Person.objects.filter(pk=remove.pk).exists() == (not allowed)


def test_merge_screen_previews_then_merges(client, city):
    client.force_login(user_with_role(Role.PROGRAMME_STAFF))
    keep = PersonFactory(name="Hồ Thị Nga", city=city)
    remove = PersonFactory(name="Ho Thi Nga", city=city)
    url = reverse("portal:person_merge")
    body = client.get(url, {"keep": keep.pk, "remove": remove.pk}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hồ Thị Nga" in body and "Ho Thi Nga" in body and "cannot be undone" in body
    response = client.post(
        url, {"keep": keep.pk, "remove": remove.pk, "confirm": "1"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Merged into Hồ Thị Nga" in response.content.decode()
    assert not Person.objects.filter(pk=remove.pk).exists()


@pytest.mark.parametrize("size", [5, 50])
def test_a_batch_is_matched_in_a_constant_number_of_queries(city, size, django_assert_max_num_queries):
    from portal.selectors import PersonMatcher

    known = [
        PersonFactory(name=f"Đỗ Thị Hằng {i}", year_of_birth=1980, phone="", city=city) for i in range(size)
    ]
    entries = [(f"Do Thi Hang {i}", f"0977{i:06d}", 1980) for i in range(size)]
    with django_assert_max_num_queries(3):  # phones, roster names, city names
        matcher = PersonMatcher(
            names=[n for n, _p, _y in entries],
            phones=[p for _n, p, _y in entries],
            city=city,
            among=Person.objects.none(),
        )
        found = [matcher.match(name=n, phone=p, year_of_birth=y) for n, p, y in entries]
    assert [m.person for m in found] == known
    assert {m.reason for m in found} == {"name_year_city"}


def test_a_batch_finds_people_it_created_itself(city):
    from portal.selectors import PersonMatcher

    matcher = PersonMatcher(names=["Trần Văn Nam"], phones=["0966 111 222"], city=city)
    assert matcher.match(name="Trần Văn Nam", phone="0966 111 222", year_of_birth=1975) is None
    created = PersonFactory(name="Trần Văn Nam", phone="0966 111 222", year_of_birth=1975, city=city)
    matcher.remember(created)
    assert matcher.match(name="Tran Van Nam", phone="", year_of_birth=1975).person == created
    assert matcher.match(name="Someone else", phone="+84 966 111 222").reason == "phone"
