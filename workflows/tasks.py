"""Work done after commit, queued with django-tasks on the "effects" backend (the database
queue outside tests, run by `manage.py db_worker --backend effects`; immediate in tests).
A failure is logged and the task is queued again later, a few times, then given up (logged)."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.utils import timezone
from django_tasks import task, task_backends

from . import notifications

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BACKEND = "effects"


def _retry(task_obj, attempt, **kwargs):
    """Queue `task_obj` again with attempt + 1: later where the backend can defer, else now."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s gave up after %s attempts: %r", task_obj.name, attempt, kwargs)
        return
    retry = task_obj
    if task_backends[task_obj.backend].supports_defer:
        delay = datetime.timedelta(minutes=2**attempt)
        retry = task_obj.using(run_after=timezone.now() + delay)
    retry.enqueue(attempt=attempt + 1, **kwargs)


@task(backend=BACKEND)
def send_transition_mail(*, model, pk, name, target, by_id, comment="", only=None, attempt=1):
    """Tell the next actors and the owners about transition `name` on the record. With `only`
    (user ids), send to those alone: a retry re-sends just what failed."""
    obj = notifications.load(model, pk)
    if obj is None:
        return 0
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    actors, owners = notifications.recipients(obj, by=by)
    users = sorted(actors | owners, key=lambda u: u.pk)
    if only is not None:
        users = [u for u in users if u.pk in set(only)]
    failed = []
    sent = 0
    connection = get_connection(fail_silently=False)
    for user in users:
        try:
            message = notifications.build_message(
                obj, user=user, name=name, by=by, comment=comment, can_act=user in actors, target=target
            )
            message.connection = connection
            sent += message.send()
        except Exception:
            logger.exception(
                "transition mail to user %s about %s %s failed (attempt %s)", user.pk, model, pk, attempt
            )
            failed.append(user.pk)
    if failed:
        _retry(
            send_transition_mail,
            attempt,
            model=model,
            pk=pk,
            name=name,
            target=target,
            by_id=by_id,
            comment=comment,
            only=failed,
        )
    return sent
