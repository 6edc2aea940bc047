"""The one entry point the page and the API call: the configured backend, and the database
when the search server cannot answer (the page says so; never an error page)."""

import logging

from django.utils.translation import gettext as _

from .backends import SearchUnavailable, backend, database_backend

logger = logging.getLogger(__name__)


def search(user, params):
    chosen = backend()
    try:
        return chosen.search(user, params)
    except SearchUnavailable as exc:
        logger.warning("search backend %s unavailable, using the database: %s", chosen.name, exc)
        results = database_backend().search(user, params)
        results.notice = _("The search server cannot be reached: these results come from the database.")
        return results
