"""Changes reach the index after commit: saves and deletes of every registered model and of
the models it `depends_on`, and its many-to-many changes (e.g. the trainers listed on a
session, who may find it). Each queues one task. A workflow transition saves its record, so it
is one of those saves (a `transition_committed` receiver queued a second, identical task).

The receivers look the registrations up when a signal arrives, so a Searchable registered later
(a test's `hooks.register_temporarily`) is honoured too."""

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.searchable import indexing_is_paused, searchables

logger = logging.getLogger(__name__)


def _queue(type_code, ids, *, delete=False):
    from .tasks import queue

    try:
        queue(type_code, ids, delete=delete)
    except Exception:
        logger.exception("could not queue the search update of %s %s", type_code, ids)


def _after_commit(type_code, ids, *, delete=False):
    ids = sorted({pk for pk in ids if pk is not None})
    if ids and not indexing_is_paused():  # decided now, though the commit may come later
        transaction.on_commit(lambda: _queue(type_code, ids, delete=delete), robust=True)


def _affected(instance):
    """(searchable, ids, delete) for every index change a saved/deleted instance causes."""
    model = type(instance)._meta.concrete_model
    for s in searchables():
        if s.model is model:
            yield s, [instance.pk], None
        for dep_model, records_of in s.depends_on.items():
            if isinstance(instance, dep_model):
                try:
                    ids = [r.pk for r in records_of(instance)]
                except Exception:  # the record itself is being deleted (cascade)
                    continue
                yield s, ids, False


def on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for s, ids, _ in _affected(instance):
        _after_commit(s.type, ids)


def on_delete(sender, instance, **kwargs):
    for s, ids, delete in _affected(instance):
        _after_commit(s.type, ids, delete=delete is None)


def on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    for s in searchables():
        if not reverse and isinstance(instance, s.model):
            _after_commit(s.type, [instance.pk])
        elif reverse and model is s.model and pk_set:
            _after_commit(s.type, pk_set)


def connect():
    post_save.connect(on_save, dispatch_uid="search_post_save")
    post_delete.connect(on_delete, dispatch_uid="search_post_delete")
    m2m_changed.connect(on_m2m, dispatch_uid="search_m2m_changed")
