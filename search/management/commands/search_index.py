"""`manage.py search_index --rebuild`: index every searchable record again (and mirror the
entries to Elasticsearch when it is configured), with a progress bar."""

import sys

from django.core.management.base import BaseCommand, CommandError

from search import indexing


class Command(BaseCommand):
    help = "Rebuild the search index from the records (and Elasticsearch's, when configured)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="index every record again")

    def handle(self, *args, rebuild=False, **options):
        if not rebuild:
            raise CommandError("Say what to do: --rebuild")
        tty = getattr(self.stdout, "isatty", lambda: False)() or self.stdout._out is sys.stdout

        def progress(done, total):
            width = 30
            filled = width * done // total if total else width
            bar = "#" * filled + "-" * (width - filled)
            end = "\r" if tty and done < total else "\n"
            self.stdout.write(f"[{bar}] {done}/{total}", ending=end)
            self.stdout.flush()

        count = indexing.rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} records."))
