import pytest
from django.core.paginator import Paginator

from portal.models import Province
from portal.paging import CountingPaginator


@pytest.fixture
def provinces(db):
    Province.objects.bulk_create([Province(name=f"P{i:02}", region="north") for i in range(23)])
    return Province.objects.order_by("name")


@pytest.mark.parametrize(
    "number", [None, "", "1", "2", "3", " 2 ", "4", "99", "0", "-1", "abc", "1.5", "²", "9" * 40, 10**30]
)
def test_the_same_pages_as_djangos_paginator(provinces, number):
    ours = CountingPaginator(provinces, 10).get_page(number)
    django = Paginator(provinces, 10).get_page(number)
    assert (ours.number, list(ours), ours.paginator.count, ours.paginator.num_pages) == (
        django.number,
        list(django),
        django.paginator.count,
        django.paginator.num_pages,
    )
    assert (ours.has_next(), ours.has_previous(), ours.start_index()) == (
        django.has_next(),
        django.has_previous(),
        django.start_index(),
    )


def test_one_query_for_a_page_and_its_count(provinces, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountingPaginator(provinces, 10).get_page("2")
        assert [p.name for p in page] == [f"P{i:02}" for i in range(10, 20)]
        assert (page.paginator.count, page.paginator.num_pages) == (23, 3)


def test_no_rows_is_one_empty_page_in_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountingPaginator(Province.objects.order_by("pk"), 10).get_page(1)
        assert (list(page), page.paginator.count, page.number) == ([], 0, 1)


def test_past_the_end_shows_the_last_page(provinces):
    page = CountingPaginator(provinces, 10).get_page(7)
    assert page.number == 3 and len(page) == 3


def test_orphans_are_refused():
    with pytest.raises(ValueError):
        CountingPaginator([], 10, orphans=2)


def test_a_distinct_queryset_is_counted_after_distinct(provinces):
    from portal.models import City

    for province in provinces[:3]:
        City.objects.create(name=f"TP {province.name}", province=province)
        City.objects.create(name=f"TX {province.name}", province=province)
    repeated = Province.objects.filter(cities__isnull=False).order_by("name")
    distinct = repeated.distinct()
    assert CountingPaginator(repeated, 10).get_page(1).paginator.count == 6
    page = CountingPaginator(distinct, 10).get_page(1)
    assert page.paginator.count == 3 and len(page) == 3


def test_a_list_is_paged_as_django_pages_it():
    page = CountingPaginator(list(range(23)), 10).get_page("3")
    assert (list(page), page.paginator.count) == ([20, 21, 22], 23)
