"""Move private files (Wagtail documents, proposal attachments) that an older version stored
under MEDIA_ROOT into PRIVATE_MEDIA_ROOT, where the storage now looks for them. Idempotent."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.storage import PRIVATE_PREFIXES


class Command(BaseCommand):
    help = "Move documents from MEDIA_ROOT to PRIVATE_MEDIA_ROOT (run once after upgrading)."

    def handle(self, *args, **options):
        moved = 0
        for prefix in PRIVATE_PREFIXES:
            source = Path(settings.MEDIA_ROOT) / prefix
            if not source.is_dir():
                continue
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                target = Path(settings.PRIVATE_MEDIA_ROOT) / path.relative_to(settings.MEDIA_ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    shutil.move(path, target)
                    moved += 1
                else:
                    path.unlink()
        self.stdout.write(f"{moved} file(s) moved to {settings.PRIVATE_MEDIA_ROOT}")
