"""Test settings: fast hashing, in-memory mail and cache, no collectstatic."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = BASE_DIR / ".pytest_media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".pytest_private_media"  # noqa: F405
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "effects": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: threads in the concurrency tests need real SQLite locks
    # (the busy timeout and IMMEDIATE transactions), as `make run` has.
    # One file per test process, so two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"cdf-portal-test-{os.getpid()}.sqlite3")
    }
