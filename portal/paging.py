"""List pages: a page of rows and their total in one query."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

# An OFFSET past this is no page anyone can reach; PostgreSQL refuses one past 2**63.
_MAX_OFFSET = 2**53


class CountingPaginator(Paginator):
    """A paginator for querysets whose page query also counts the rows (`COUNT(*) OVER ()`),
    so a list page costs one query where Django's Paginator runs two (a COUNT, then the
    page). A page past the end falls back to Django's way, which shows the last page; so do a
    DISTINCT queryset (the window would count rows before DISTINCT removes repeats) and a list."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if self.orphans:
            raise ValueError("CountingPaginator does not handle orphans")

    def get_page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        countable = isinstance(self.object_list, QuerySet) and not self.object_list.query.distinct
        if not countable or number < 1 or (number - 1) * self.per_page > _MAX_OFFSET:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(_page_total=Window(Count("*")))[bottom : bottom + self.per_page]
        )
        if rows:
            self.__dict__["count"] = rows[0]._page_total  # Paginator.count is a cached_property
            return Page(rows, number, self)
        if number == 1:
            self.__dict__["count"] = 0
            return Page(rows, 1, self)
        return super().get_page(number)  # past the end: count, and show the last page
