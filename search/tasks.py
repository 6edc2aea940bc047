"""Index updates, queued with django-tasks after commit on the backend named by
`SEARCH_TASK_BACKEND` ("effects": the database queue run by `manage.py db_worker --backend
effects`; immediate in tests). A failure is logged and queued again a few times."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task, task_backends

from . import indexing

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4


def backend_name():
    name = getattr(settings, "SEARCH_TASK_BACKEND", "effects")
    return name if name in settings.TASKS else "default"


@task()
def update_index(*, type, ids, delete=False, attempt=1):
    try:
        if delete:
            return indexing.remove(type, ids)
        return indexing.index_records(type, ids)
    except Exception:
        logger.exception("search index update of %s %s failed (attempt %s)", type, ids, attempt)
        if attempt >= MAX_ATTEMPTS:
            return 0
        retry = update_index.using(backend=backend_name())
        if task_backends[retry.backend].supports_defer:
            retry = retry.using(run_after=timezone.now() + datetime.timedelta(minutes=2**attempt))
        retry.enqueue(type=type, ids=ids, delete=delete, attempt=attempt + 1)
        return 0


def queue(type_code, ids, *, delete=False):
    update_index.using(backend=backend_name()).enqueue(type=type_code, ids=sorted(ids), delete=delete)
