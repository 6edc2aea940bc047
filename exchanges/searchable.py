"""What of an exchange is searchable (see `portal/searchable.py`): report text, purpose,
follow-up, every city's lessons, topics and cities; never participants' names or phones. Who
finds it is the exchange workflow's `visible_q`: both cities' insiders before publication, every
logged-in user after, the public only what is marked public."""

from portal.searchable import Searchable

from .models import ExchangeLesson, ExchangeTopic, ExchangeVisit


def _text(exchange):
    yield exchange.get_kind_display()
    yield exchange.host_city.name
    yield from (city.name for city in exchange.visiting_cities.all())
    yield from (str(t.get_topic_display()) for t in exchange.topics.all())
    yield exchange.purpose
    yield exchange.report_text
    yield exchange.follow_up
    for lesson in exchange.lessons.all():
        yield f"{lesson.city.name}: {lesson.lessons}"
        yield lesson.follow_up


EXCHANGES = Searchable(
    model=ExchangeVisit,
    type="exchange",
    title=lambda x: x.title,
    text=_text,
    date=lambda x: x.start_date,
    city=lambda x: x.host_city,
    url=lambda x: x.get_absolute_url(),
    related=("host_city",),
    prefetch=("visiting_cities", "topics", "lessons__city"),
    depends_on={
        ExchangeLesson: lambda lesson: [lesson.exchange],
        ExchangeTopic: lambda topic: [topic.exchange],
    },
    order=60,
)
