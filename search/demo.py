"""`seed_demo`: index the demo records (search comes last in LOCAL_APPS), so search works at
the first start."""

from . import indexing


def seed(stdout):
    count = indexing.rebuild()
    stdout.write(f"Indexed {count} records for search.")
    return []
