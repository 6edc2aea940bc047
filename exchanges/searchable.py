"""What of exchanges is searchable, declared in one place as plain data and functions, so the
search app reads it without knowing exchange internals (search never imports a domain app's
models beyond this module's answers):

- `KIND`, `LABEL`, `MODEL`: the record type, its name for facets, its model label;
- `FACETS`: facet name -> label;
- `queryset()`: every exchange with what `document()` reads (a constant number of queries);
- `document(exchange)`: one search document (title, text, facets, url) as a plain dict;
- `visible_q(user)`: the exchanges a user may find, from the workflow's declaration (the same
  rule as the pages: insiders before publication, every logged-in user after, the public only
  what is marked public);
- `changed`: the signal to re-index on (the workflow's `transition_committed`; edits of text go
  through services that save the exchange, so `post_save` of `MODEL` covers them too).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from workflows.engine import transition_committed

from .models import EXCHANGE_WORKFLOW, ExchangeLesson, ExchangeVisit

KIND = "exchange"
LABEL = _("Exchange")
MODEL = "exchanges.ExchangeVisit"
FACETS = {"city": _("City"), "year": _("Year"), "topic": _("Topic"), "kind": _("Kind")}
changed = transition_committed


def queryset():
    return ExchangeVisit.objects.select_related("host_city").prefetch_related(
        "visiting_cities",
        "topics",
        Prefetch("lessons", queryset=ExchangeLesson.objects.select_related("city")),
    )


def document(exchange) -> dict:
    """Report text, purpose, follow-up, every city's lessons, topics and cities. No participant
    names or phones: a search result must never carry personal data."""
    cities = [exchange.host_city.name, *(c.name for c in exchange.visiting_cities.all())]
    topics = [str(t.get_topic_display()) for t in exchange.topics.all()]
    lessons = [
        f"{lesson.city.name}: {lesson.lessons} {lesson.follow_up}".strip()
        for lesson in exchange.lessons.all()
    ]
    return {
        "kind": KIND,
        "pk": exchange.pk,
        "url": exchange.get_absolute_url(),
        "title": exchange.title,
        "text": "\n".join(
            part for part in (exchange.purpose, exchange.report_text, exchange.follow_up, *lessons) if part
        ),
        "date": exchange.start_date,
        "state": exchange.state,
        "is_public": exchange.is_public,
        "facets": {
            "city": cities,
            "year": [exchange.start_date.year],
            "topic": topics,
            "kind": [str(exchange.get_kind_display())],
        },
    }


def visible_q(user):
    return EXCHANGE_WORKFLOW.visible_q(user)
