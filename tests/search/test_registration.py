"""The registration interface itself: a record type with its own facet (a forum level) and its
own visibility, as forums and exchanges will register."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from wagtail import hooks

from portal.models import Community
from portal.searchable import HOOK, Searchable, searchable_for
from search import access, indexing

from .conftest import facet, run, titles

GROUPS = Searchable(
    model=Community,
    type="test_group",
    label="Group",
    title=lambda c: f"Nhóm {c.name}",
    text=lambda c: [c.ward.name, "họp diễn đàn"],
    date=lambda c: None,
    url=lambda c: f"/groups/{c.pk}/",
    city=lambda c: c.ward.city,
    facets=lambda c: {"level": "ward" if c.households > 100 else "community"},
    facet_labels={"level": {"ward": "Ward forum", "community": "Community forum"}},
    related=("ward__city",),
    visible_q=lambda user: Q(households__gte=0) if user.is_authenticated else Q(pk__in=[]),
    access_keys=lambda c: [access.LOGGED_IN_KEY],
)


@pytest.fixture
def groups(world):
    with hooks.register_temporarily(HOOK, lambda: GROUPS):
        Community.objects.filter(pk=world.a.community.pk).update(households=50)
        indexing.rebuild()
        yield


def test_a_record_type_with_its_own_facet_and_visibility(engine, world, groups):
    assert searchable_for("test_group") is GROUPS
    results = run(world.a.rep, "dien dan")
    assert facet(results, "type") == {"Group": 2}
    assert facet(results, "level") == {"Ward forum": 1, "Community forum": 1}
    only = run(world.a.rep, "dien dan", level="community")
    assert titles(only) == [f"Nhóm {world.a.community.name}"]
    assert facet(only, "level") == {"Ward forum": 1, "Community forum": 1}
    assert facet(only, "city") == {"Hà Nội": 1}
    assert run(AnonymousUser(), "dien dan").count == 0
    # keys and visible_q agree for a custom rule too
    for user in (AnonymousUser(), world.a.rep):
        visible = set(Community.objects.filter(GROUPS.visible_q(user)).values_list("pk", flat=True))
        keyed = {
            c.pk
            for c in Community.objects.all()
            if set(access.record_keys(GROUPS, c)) & set(access.user_keys(user))
        }
        assert visible == keyed


def test_visibility_comes_in_pairs():
    with pytest.raises(TypeError):
        Searchable(
            model=Community,
            type="x",
            title=str,
            text=str,
            date=lambda c: None,
            url=lambda c: "/",
            visible_q=lambda user: Q(),
        )
