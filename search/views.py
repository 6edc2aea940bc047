"""The search page and its JSON twin, with the same parameters (search/params.py)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .backends import FACETS
from .params import parse_params
from .service import search

FACET_TITLES = {
    "type": lambda: _("Type"),
    "city": lambda: _("City"),
    "level": lambda: _("Forum level"),
    "year": lambda: _("Year"),
}


def _toggled(querydict, name, value):
    """The query string with one facet value switched on or off, back on page 1."""
    q = querydict.copy()
    q.pop("page", None)
    values = q.getlist(name)
    q.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return "?" + q.urlencode()


def _page_url(querydict, page):
    q = querydict.copy()
    q["page"] = str(page)
    return "?" + q.urlencode()


@require_GET
def search_page(request):
    params = parse_params(request.GET)
    results = search(request.user, params)
    facets = [
        {
            "name": name,
            "title": FACET_TITLES[name](),
            "values": [
                {"value": v, "url": _toggled(request.GET, name, v.value)}
                for v in results.facets.get(name, [])
            ],
        }
        for name in FACETS
        if results.facets.get(name)
    ]
    hidden = [(name, value) for name in FACETS for value in params.filters.get(name, [])]
    context = {
        "q": params.query.raw,
        "params": params,
        "results": results,
        "facets": facets,
        "hidden": hidden,
        "date_from": params.date_from.isoformat() if params.date_from else "",
        "date_to": params.date_to.isoformat() if params.date_to else "",
        "previous_url": _page_url(request.GET, params.page - 1) if params.page > 1 else "",
        "next_url": _page_url(request.GET, params.page + 1) if params.page < results.pages else "",
    }
    return render(request, "search/search.html", context)


@require_GET
def search_api(request):
    params = parse_params(request.GET)
    results = search(request.user, params)
    data = {
        "count": results.count,
        "page": params.page,
        "pages": results.pages,
        "backend": results.backend,
        "notice": results.notice,
        "results": [
            {
                "type": hit.type,
                "title": hit.title,
                "url": hit.url,
                "date": hit.date.isoformat() if hit.date else None,
                "city": hit.city,
                "snippet": hit.snippet,
            }
            for hit in results.hits
        ],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in results.facets.items()
        },
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
