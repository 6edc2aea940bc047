from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the demo network: cities, wards, communities, people, "
        "one user per role, and each app's demo records. Safe to run again."
    )

    def handle(self, *args, **options):
        logins = []
        # The portal first, then each app's demo module in INSTALLED_APPS order.
        for app in settings.LOCAL_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                logins.extend(module.seed(self.stdout) or [])
            self.stdout.write(f"Seeded {app}.")
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        width = max(len(username) for username, _ in logins)
        for username, what in logins:
            self.stdout.write(f"  {username.ljust(width)}  {what}")
