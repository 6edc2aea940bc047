"""What migration 0002 gives PostgreSQL: the unaccent configuration and the GIN index."""

from django.db import connection

from search.models import SearchEntry


def test_the_unaccent_configuration_and_the_gin_index(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('cdf_unaccent', %s)::text", ["Đà Nẵng THỦY thuỷ"])
        assert cursor.fetchone()[0] == "'da':1 'nang':2 'thuy':3,4"
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_entry_vector_gin'",
        )
        assert "USING gin (vector)" in cursor.fetchone()[0]
    assert SearchEntry._meta.db_table == "search_searchentry"
