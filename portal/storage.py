"""The default file storage: public files (images, training photos) under MEDIA_ROOT, which
`/media/` serves; Wagtail documents, proposal attachments among them, under
PRIVATE_MEDIA_ROOT, which no URL maps to. Documents are served only by views that check
permissions: the proposal attachment view, or Wagtail's document view with its collection
restrictions. `make run` (DEBUG) and production behave alike: a front server configured to
serve MEDIA_ROOT cannot expose a private file, because none is there."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible

PRIVATE_PREFIXES = ("documents/",)


def is_private(name) -> bool:
    return str(name).replace("\\", "/").lstrip("/").startswith(PRIVATE_PREFIXES)


@deconstructible
class PortalStorage(Storage):
    """Two FileSystemStorages behind one: names under PRIVATE_PREFIXES go to the private one
    (no base URL), everything else to MEDIA_ROOT. Both locations follow the settings."""

    def _for(self, name) -> FileSystemStorage:
        if is_private(name):
            return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
        return FileSystemStorage()

    def save(self, name, content, max_length=None):
        return self._for(name).save(name, content, max_length=max_length)

    def get_available_name(self, name, max_length=None):
        return self._for(name).get_available_name(name, max_length=max_length)

    def _open(self, name, mode="rb"):
        return self._for(name).open(name, mode)

    def path(self, name):
        return self._for(name).path(name)

    def delete(self, name):
        return self._for(name).delete(name)

    def exists(self, name):
        return self._for(name).exists(name)

    def listdir(self, path):
        return self._for(path).listdir(path)

    def size(self, name):
        return self._for(name).size(name)

    def get_accessed_time(self, name):
        return self._for(name).get_accessed_time(name)

    def get_created_time(self, name):
        return self._for(name).get_created_time(name)

    def get_modified_time(self, name):
        return self._for(name).get_modified_time(name)

    def url(self, name):
        if is_private(name):
            # Wagtail's document view reads this as "no direct URL" and streams the file itself.
            raise NotImplementedError("private files have no public URL")
        return FileSystemStorage().url(name)
