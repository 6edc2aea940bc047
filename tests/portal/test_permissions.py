"""The scoped-role matrix: each role x own vs other scope x object kind."""

import pytest
from django.db.models import Q

from portal.models import Role
from portal.permissions import scope_filter, user_has_role, user_roles
from tests.factories import (
    CityFactory,
    CommunityFactory,
    PersonFactory,
    SavingsGroupFactory,
    WardFactory,
    user_with_role,
)


@pytest.fixture
def world(db):
    city_a, city_b = CityFactory(name="Vinh"), CityFactory(name="Huế")
    ward_a1 = WardFactory(city=city_a, name="Hưng Bình")
    ward_a2 = WardFactory(city=city_a, name="Lê Lợi")
    ward_b1 = WardFactory(city=city_b, name="Phú Hội")
    a1x = CommunityFactory(ward=ward_a1, name="Khối 1")
    a1y = CommunityFactory(ward=ward_a1, name="Khối 2")
    a2 = CommunityFactory(ward=ward_a2, name="Khối 9")
    b1 = CommunityFactory(ward=ward_b1, name="Tổ 3")

    def objects(community):
        return {
            "community": community,
            "savings_group": SavingsGroupFactory(community=community),
            "ward": community.ward,
            "city": community.ward.city,
            "person": PersonFactory(community=community, city=community.ward.city),
        }

    return {
        "places": {"a1x": a1x, "ward_a1": ward_a1, "city_a": city_a},
        "a1x": objects(a1x),
        "a1y": objects(a1y),  # same ward, other community
        "a2": objects(a2),  # same city, other ward
        "b1": objects(b1),  # other city
    }


# role, where the membership sits, and for each object kind, which communities' objects it covers.
EVERYWHERE = {"a1x", "a1y", "a2", "b1"}
MATRIX = [
    (
        Role.COMMUNITY_REPRESENTATIVE,
        "a1x",
        {"community": {"a1x"}, "savings_group": {"a1x"}, "ward": set(), "city": set(), "person": {"a1x"}},
    ),
    (
        Role.WARD_OFFICER,
        "ward_a1",
        {
            "community": {"a1x", "a1y"},
            "savings_group": {"a1x", "a1y"},
            "ward": {"a1x", "a1y"},
            "city": set(),
            "person": {"a1x", "a1y"},
        },
    ),
    *[
        (
            role,
            "city_a",
            {kind: {"a1x", "a1y", "a2"} for kind in ("community", "savings_group", "ward", "city", "person")},
        )
        for role in (Role.CITY_OFFICIAL, Role.CDF_SECRETARY, Role.TRAINER)
    ],
    *[
        (role, None, dict.fromkeys(("community", "savings_group", "ward", "city", "person"), EVERYWHERE))
        for role in (Role.TRAINER, Role.PROGRAMME_STAFF)
    ],
]


@pytest.mark.parametrize("role,where,covered", MATRIX, ids=lambda v: str(v) if isinstance(v, str) else None)
@pytest.mark.parametrize("kind", ["community", "savings_group", "ward", "city", "person"])
def test_role_covers_own_scope_and_nothing_else(world, role, where, covered, kind):
    place = world["places"][where] if where else None
    user = user_with_role(role, place)
    for community_key in ("a1x", "a1y", "a2", "b1"):
        obj = world[community_key][kind]
        expected = community_key in covered[kind]
        assert user_has_role(user, role, obj) is expected, (kind, community_key)
        in_queryset = scope_filter(type(obj).objects.all(), user, role).filter(pk=obj.pk).exists()
        assert in_queryset is expected, (kind, community_key)


@pytest.mark.parametrize("role,where,covered", MATRIX, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_a_role_never_stands_in_for_another(world, role, where, covered):
    place = world["places"][where] if where else None
    user = user_with_role(role, place)
    others = [r for r in Role if r != role]
    obj = world["a1x"]["community"]
    assert not user_has_role(user, others, obj)
    assert not scope_filter(type(obj).objects.all(), user, others).exists()


def test_no_membership_means_no_role_and_empty_querysets(world):
    from tests.factories import UserFactory

    user = UserFactory()
    obj = world["a1x"]["community"]
    assert not user_has_role(user, list(Role), obj)
    assert not scope_filter(type(obj).objects.all(), user, list(Role)).exists()
    assert user_roles(user, obj) == set()


def test_inactive_membership_and_inactive_user_grant_nothing(world):
    city_official = user_with_role(Role.CITY_OFFICIAL, world["places"]["city_a"])
    city_official.memberships.update(is_active=False)
    city_official.refresh_from_db()
    assert not user_has_role(city_official, Role.CITY_OFFICIAL, world["a1x"]["community"])

    staff = user_with_role(Role.PROGRAMME_STAFF)
    staff.is_active = False
    assert not user_has_role(staff, Role.PROGRAMME_STAFF, world["b1"]["community"])


def test_user_roles_lists_every_covering_role(world):
    user = user_with_role(Role.CITY_OFFICIAL, world["places"]["city_a"])
    from portal.services import membership_grant

    membership_grant(user=user, role=Role.COMMUNITY_REPRESENTATIVE, community=world["places"]["a1x"])
    assert user_roles(user, world["a1x"]["community"]) == {Role.CITY_OFFICIAL, Role.COMMUNITY_REPRESENTATIVE}
    assert user_roles(user, world["a2"]["community"]) == {Role.CITY_OFFICIAL}
    assert user_roles(user, world["b1"]["community"]) == set()


def test_scope_filter_costs_one_query_after_memberships_are_read(world, django_assert_num_queries):
    user = user_with_role(Role.WARD_OFFICER, world["places"]["ward_a1"])
    from portal.models import Community

    with django_assert_num_queries(2):  # memberships once, then the filtered list
        names = sorted(c.name for c in scope_filter(Community.objects.all(), user, Role.WARD_OFFICER))
    assert names == ["Khối 1", "Khối 2"]


def test_a_national_scope_survives_being_or_ed_with_a_narrower_one(world):
    """Django drops an empty Q() from `Q() | q`; scope_q must never return one."""
    from portal.models import Community
    from portal.permissions import scope_q

    staff = user_with_role(Role.PROGRAMME_STAFF)
    narrow = Q(name="Khối 1")
    either = scope_q(Community, staff, Role.PROGRAMME_STAFF) | narrow
    assert Community.objects.filter(either).count() == 4
    assert Community.objects.filter(narrow | scope_q(Community, staff, Role.PROGRAMME_STAFF)).count() == 4
