"""Local development and `make run`: debug on, a fixed throw-away key, mail to the console."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# No collectstatic needed while developing.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
