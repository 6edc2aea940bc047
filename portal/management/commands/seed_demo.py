from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import DEMO_PASSWORD
from portal.searchable import indexing_paused


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the demo network: cities, wards, communities, people, "
        "one user per role, and each app's demo records. Safe to run again."
    )

    def handle(self, *args, **options):
        logins = []
        # The portal first, then each app's demo module in LOCAL_APPS order. Search comes last
        # and indexes everything at once, so the saves before it queue no index updates.
        with indexing_paused():
            for app in settings.LOCAL_APPS:
                logins.extend(self._seed(app))
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        width = max(len(username) for username, _ in logins)
        for username, what in logins:
            self.stdout.write(f"  {username.ljust(width)}  {what}")

    def _seed(self, app):
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            return []
        with transaction.atomic():
            logins = module.seed(self.stdout) or []
        self.stdout.write(f"Seeded {app}.")
        return logins
