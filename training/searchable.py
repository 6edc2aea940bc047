"""What of a training session is searchable (see `portal/searchable.py`); who finds it is the
training workflow's `visible_q`: its listed trainers, the city's secretaries, programme staff."""

from wagtail import hooks

from portal.searchable import HOOK, Searchable

from .models import TrainingSession


def _text(s):
    yield s.code
    yield s.course.get_topic_display()
    yield s.course.description
    yield s.venue
    yield s.topics_covered
    yield s.notes


SESSIONS = Searchable(
    model=TrainingSession,
    type="training_session",
    title=lambda s: f"{s.course.title} · {s.city.name}",
    text=_text,
    date=lambda s: s.start_date,
    city=lambda s: s.city,
    url=lambda s: s.get_absolute_url(),
    related=("course", "city"),
    order=70,
)


@hooks.register(HOOK)
def searchable():
    return SESSIONS
