"""The search parameters from a query string, the same for the page and the API. Junk is
ignored, never an error: a bad page is page 1, a bad year or date no filter."""

from __future__ import annotations

import datetime
import re

from portal.searchable import searchables

from .backends import FACETS, SearchParams
from .text import parse_query

MAX_PAGE = 500
MAX_VALUES = 20
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _int(value, low, high):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _date(value):
    value = (value or "").strip()[:20]
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    m = _DMY.match(value)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    return None


def _values(querydict, name, clean):
    out = []
    for raw in querydict.getlist(name)[:MAX_VALUES]:
        value = clean(raw)
        if value is not None and value not in out:
            out.append(value)
    return out


def parse_params(querydict) -> SearchParams:
    types = {s.type for s in searchables()}
    filters = {
        "type": _values(querydict, "type", lambda v: v if v in types else None),
        "city": _values(querydict, "city", lambda v: str(n) if (n := _int(v, 1, 2**62)) else None),
        "year": _values(querydict, "year", lambda v: str(n) if (n := _int(v, 1900, 2100)) else None),
        "level": _values(querydict, "level", lambda v: v.strip()[:50] or None),
    }
    assert set(filters) == set(FACETS)
    date_from, date_to = _date(querydict.get("from")), _date(querydict.get("to"))
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    query = parse_query(querydict.get("q", ""))
    sort = querydict.get("sort")
    if sort not in ("relevance", "date"):
        sort = "relevance" if query else "date"
    return SearchParams(
        query=query,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int(querydict.get("page", 1), 1, MAX_PAGE) or 1,
    )
