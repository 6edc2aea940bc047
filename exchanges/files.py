"""Upload checks for report photos and documents: extension, real content (magic bytes), a photo
that Pillow can open, and size; all before anything is saved."""

import filetype
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from workflows.engine import TransitionRefused

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000

PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
DOCUMENT_TYPES = {
    "pdf": {"application/pdf"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
}


def _refuse(message, field_message):
    return TransitionRefused(message, field_errors={"file": [str(field_message)]})


def check_upload(upload, kind) -> str:
    """The upload's real content type, or TransitionRefused saying what is wrong."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = (
        PHOTO_TYPES if kind == "photo" else {**DOCUMENT_TYPES, **{k: {v} for k, v in PHOTO_TYPES.items()}}
    )
    if extension not in allowed:
        raise _refuse(
            _("A file of this type is not accepted here. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(allowed))},
            _("Wrong file type."),
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise _refuse(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            _("Too large."),
        )
    if upload.size == 0:
        raise _refuse(_("The file is empty."), _("Empty file."))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    found = filetype.guess(head)
    mime = found.mime if found else None
    expected = allowed[extension]
    expected = {expected} if isinstance(expected, str) else expected
    if mime not in expected:
        raise _refuse(
            _("The file's content does not match its name (.%(ext)s).") % {"ext": extension},
            _("The content is not what the name says."),
        )
    if extension in PHOTO_TYPES:
        try:
            with Image.open(upload) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _refuse(_("The photo has too many pixels."), _("Too large."))
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
            raise _refuse(_("The photo cannot be read."), _("Not a readable image.")) from exc
        finally:
            upload.seek(0)
    if mime == "application/zip":
        return sorted(expected - {"application/zip"})[0]
    return mime
