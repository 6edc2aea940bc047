import pytest
from django.core.exceptions import ValidationError

from portal.models import Membership, Role
from portal.services import membership_grant
from tests.factories import CityFactory, CommunityFactory, UserFactory, WardFactory


@pytest.mark.parametrize(
    "role,place_kind,field",
    [
        (Role.WARD_OFFICER, None, "ward"),
        (Role.WARD_OFFICER, "city", "ward"),
        (Role.WARD_OFFICER, "community", "ward"),
        (Role.COMMUNITY_REPRESENTATIVE, "ward", "community"),
        (Role.COMMUNITY_REPRESENTATIVE, None, "community"),
        (Role.CITY_OFFICIAL, "ward", "city"),
        (Role.CITY_OFFICIAL, None, "city"),
        (Role.CDF_SECRETARY, "community", "city"),
        (Role.PROGRAMME_STAFF, "city", "__all__"),
        (Role.TRAINER, "ward", "__all__"),
    ],
)
def test_role_at_the_wrong_scope_is_refused_with_a_message(db, role, place_kind, field):
    community = CommunityFactory()
    places = {"community": community, "ward": community.ward, "city": community.ward.city}
    scope = {place_kind: places[place_kind]} if place_kind else {}
    with pytest.raises(ValidationError) as error:
        membership_grant(user=UserFactory(), role=role, **scope)
    assert "must be scoped to" in str(error.value.message_dict[field])
    assert not Membership.objects.exists()


def test_two_places_at_once_are_refused(db):
    ward = WardFactory()
    membership = Membership(user=UserFactory(), role=Role.WARD_OFFICER, ward=ward, city=ward.city)
    with pytest.raises(ValidationError, match="only one place"):
        membership.full_clean()


def test_the_database_refuses_two_places_too(db):
    from django.db import IntegrityError

    ward = WardFactory()
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), role=Role.WARD_OFFICER, ward=ward, city=ward.city)


def test_grant_is_idempotent_and_reactivates(db):
    user, city = UserFactory(), CityFactory()
    first = membership_grant(user=user, role=Role.CITY_OFFICIAL, city=city)
    assert membership_grant(user=user, role=Role.CITY_OFFICIAL, city=city).pk == first.pk
    Membership.objects.filter(pk=first.pk).update(is_active=False)
    assert membership_grant(user=user, role=Role.CITY_OFFICIAL, city=city).is_active
    assert Membership.objects.count() == 1


def test_duplicate_membership_is_refused_by_the_form_validation(db):
    user, city = UserFactory(), CityFactory()
    membership_grant(user=user, role=Role.CITY_OFFICIAL, city=city)
    with pytest.raises(ValidationError, match="already has this role"):
        Membership(user=user, role=Role.CITY_OFFICIAL, city=city).full_clean()


@pytest.mark.parametrize(
    "role,place_kind",
    [
        (Role.COMMUNITY_REPRESENTATIVE, "community"),
        (Role.WARD_OFFICER, "ward"),
        (Role.CITY_OFFICIAL, "city"),
        (Role.CDF_SECRETARY, "city"),
        (Role.TRAINER, "city"),
        (Role.TRAINER, None),
        (Role.PROGRAMME_STAFF, None),
    ],
)
def test_each_role_at_its_own_scope_is_accepted(db, role, place_kind):
    community = CommunityFactory()
    places = {"community": community, "ward": community.ward, "city": community.ward.city}
    scope = {place_kind: places[place_kind]} if place_kind else {}
    membership = membership_grant(user=UserFactory(), role=role, **scope)
    assert membership.scope == (place_kind or "national")
