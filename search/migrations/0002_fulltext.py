"""The full-text machinery each database needs beside the entry table.

SQLite: an FTS5 table over the folded (and accent-exact) copies, kept in step by triggers.
PostgreSQL: the `unaccent` extension, the `cdf_unaccent` text search configuration (unaccent,
then simple) and a GIN index on the stored vector."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_entry_fts USING fts5(
        title_folded, body_folded, exact,
        content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_entry_fts_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_entry_fts(rowid, title_folded, body_folded, exact)
        VALUES (new.id, new.title_folded, new.body_folded, new.exact);
    END""",
    """CREATE TRIGGER search_entry_fts_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, title_folded, body_folded, exact)
        VALUES ('delete', old.id, old.title_folded, old.body_folded, old.exact);
    END""",
    """CREATE TRIGGER search_entry_fts_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, title_folded, body_folded, exact)
        VALUES ('delete', old.id, old.title_folded, old.body_folded, old.exact);
        INSERT INTO search_entry_fts(rowid, title_folded, body_folded, exact)
        VALUES (new.id, new.title_folded, new.body_folded, new.exact);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_entry_fts_au",
    "DROP TRIGGER IF EXISTS search_entry_fts_ad",
    "DROP TRIGGER IF EXISTS search_entry_fts_ai",
    "DROP TABLE IF EXISTS search_entry_fts",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'cdf_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION cdf_unaccent (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION cdf_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
    "CREATE INDEX search_entry_vector_gin ON search_searchentry USING gin (vector)",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS search_entry_vector_gin"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
