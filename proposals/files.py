"""Upload checks for proposal attachments: extension, real content (magic bytes) and size,
all before anything is saved."""

import filetype
from django.utils.translation import gettext_lazy as _

from workflows.engine import TransitionRefused

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# extension -> content types its bytes may really be
TYPES = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "webp": {"image/webp"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
}
IMAGES = {"jpg", "jpeg", "png", "webp"}
# what each kind of attachment may be
KIND_EXTENSIONS = {
    "map": IMAGES | {"pdf"},
    "photo": IMAGES,
    "completion_photo": IMAGES,
    "budget_sheet": {"xlsx", "pdf"},
    "other": set(TYPES),
}


def check_upload(upload, kind) -> str:
    """Return the upload's real content type, or raise TransitionRefused."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = KIND_EXTENSIONS.get(kind, set())
    if extension not in allowed:
        raise TransitionRefused(
            _("A file of this type is not accepted here. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(allowed))},
            field_errors={"file": [str(_("Wrong file type."))]},
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise TransitionRefused(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            field_errors={"file": [str(_("Too large."))]},
        )
    if upload.size == 0:
        raise TransitionRefused(_("The file is empty."), field_errors={"file": [str(_("Empty file."))]})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind_found = filetype.guess(head)
    mime = kind_found.mime if kind_found else None
    if mime not in TYPES[extension]:
        raise TransitionRefused(
            _("The file's content does not match its name (.%(ext)s).") % {"ext": extension},
            field_errors={"file": [str(_("The content is not what the name says."))]},
        )
    return sorted(TYPES[extension] - {"application/zip"})[0] if mime == "application/zip" else mime
