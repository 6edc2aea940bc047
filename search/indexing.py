"""Keeping the index in step with the records: `index_records` (re)writes the entries of some
records of one type, `remove` drops them, `rebuild` redoes everything. Signals (search/signals.py)
queue these after commit with django-tasks (search/tasks.py)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from portal.searchable import Searchable, searchable_for, searchables

from . import access, text
from .models import SearchEntry

logger = logging.getLogger(__name__)

BATCH = 500


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _body(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return text.normalize(value)
    return text.normalize(" \n".join(str(part) for part in value if part))


def entry_values(searchable: Searchable, obj) -> dict:
    """The index row of one record (without saving it)."""
    title = text.normalize(searchable.title(obj))[:300]
    body = _body(searchable.text(obj))
    date = _as_date(searchable.date(obj))
    city = searchable.city(obj)
    return {
        "title": title,
        "body": body,
        "title_folded": text.fold(title)[:300],
        "body_folded": text.fold(body),
        "exact": text.exact(f"{title} {body}"),
        "date": date,
        "year": date.year if date else None,
        "city_id": city.pk if city is not None else None,
        "city_name": str(city.name) if city is not None else "",
        "facets": {k: str(v) for k, v in (searchable.facets(obj) or {}).items() if v not in (None, "")},
        "url": searchable.url(obj),
        "access": access.record_keys(searchable, obj),
    }


def index_records(type_code: str, ids: Iterable[int]) -> int:
    """Write the entries of records `ids` of `type_code`; drop those whose record is gone.
    Returns the number of entries written."""
    searchable = searchable_for(type_code)
    if searchable is None:
        return 0
    ids = sorted({int(pk) for pk in ids})
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        objs = list(searchable.queryset().filter(pk__in=chunk))
        found = {obj.pk for obj in objs}
        missing = [pk for pk in chunk if pk not in found]
        if missing:
            remove(type_code, missing)
        written += _write(searchable, objs)
    return written


def _write(searchable, objs) -> int:
    if not objs:
        return 0
    rows = {obj.pk: entry_values(searchable, obj) for obj in objs}
    with transaction.atomic():
        existing = {
            e.object_id: e for e in SearchEntry.objects.filter(type=searchable.type, object_id__in=list(rows))
        }
        new, changed = [], []
        for pk, values in rows.items():
            entry = existing.get(pk) or SearchEntry(type=searchable.type, object_id=pk)
            for name, value in values.items():
                setattr(entry, name, value)
            entry.updated_at = timezone.now()
            (changed if entry.pk else new).append(entry)
        if new:
            SearchEntry.objects.bulk_create(new)
        if changed:
            SearchEntry.objects.bulk_update(changed, [*entry_values_fields(), "updated_at"])
        _update_vectors(searchable.type, list(rows))
    _mirror(searchable.type, list(rows))
    return len(rows)


def entry_values_fields():
    return [
        "title",
        "body",
        "title_folded",
        "body_folded",
        "exact",
        "date",
        "year",
        "city_id",
        "city_name",
        "facets",
        "url",
        "access",
    ]


def _update_vectors(type_code, ids):
    if connection.vendor != "postgresql":
        return
    from .backends.postgres import vector_expressions

    vector, vector_exact = vector_expressions()
    SearchEntry.objects.filter(type=type_code, object_id__in=ids).update(
        vector=vector, vector_exact=vector_exact
    )


def _mirror(type_code, ids=None, *, delete=False):
    """Copy the entries to Elasticsearch when it is configured (logged, never raised: the
    database index stays right and `search_index --rebuild` catches up)."""
    from .backends import elastic

    if not elastic.configured():
        return
    try:
        if delete:
            elastic.delete(type_code, ids)
        else:
            elastic.index_entries(SearchEntry.objects.filter(type=type_code, object_id__in=ids))
    except Exception:
        logger.exception("Elasticsearch: could not update %s %s", type_code, ids)


def remove(type_code: str, ids: Iterable[int]) -> int:
    ids = [int(pk) for pk in ids]
    deleted, _ = SearchEntry.objects.filter(type=type_code, object_id__in=ids).delete()
    _mirror(type_code, ids, delete=True)
    return deleted


def rebuild(progress=None) -> int:
    """Index every record of every registered type; drop entries of unknown types. `progress`
    is called with (done, total) after each batch."""
    registered = searchables()
    SearchEntry.objects.exclude(type__in=[s.type for s in registered]).delete()
    total = sum(s.model._default_manager.count() for s in registered)
    done = 0
    for s in registered:
        ids = list(s.model._default_manager.order_by("pk").values_list("pk", flat=True))
        SearchEntry.objects.filter(type=s.type).exclude(
            object_id__in=s.model._default_manager.values("pk")
        ).delete()
        for start in range(0, len(ids), BATCH):
            done += index_records(s.type, ids[start : start + BATCH])
            if progress:
                progress(done, total)
    from .backends import elastic

    if elastic.configured():
        try:
            elastic.rebuild(SearchEntry.objects.all(), progress=progress)
        except Exception:
            # the database index is right; the page falls back to it until a rebuild succeeds
            logger.exception("Elasticsearch: the index could not be rebuilt (the database's was)")
    return done
