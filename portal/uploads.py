"""Checks for uploaded files, shared by every app that takes them (proposal attachments,
exchange report files, training photos): extension, real content (magic bytes, through the
`filetype` library), size, and for photos that Pillow can open them; all before anything is
saved. Each app says which types it accepts and turns `UploadRefused` into its own error."""

import filetype
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000

# extension -> the content types its bytes may really be (an Office file is a zip archive)
PHOTO_TYPES = {
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "webp": {"image/webp"},
}
PDF_TYPES = {"pdf": {"application/pdf"}}
OFFICE_TYPES = {
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
}


class UploadRefused(ValueError):
    """`message` for the top of the form, `field_message` beside the file input."""

    def __init__(self, message, field_message):
        super().__init__(message)
        self.message = str(message)
        self.field_message = str(field_message)


def check_upload(upload, allowed) -> str:
    """The upload's real content type, if its extension is one of `allowed` (a dict of
    extension -> content types) and its bytes are what the extension says; otherwise
    UploadRefused saying what is wrong. Photos must also open in Pillow, within MAX_PIXELS."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in allowed:
        raise UploadRefused(
            _("A file of this type is not accepted here. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(allowed))},
            _("Wrong file type."),
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            _("Too large."),
        )
    if upload.size == 0:
        raise UploadRefused(_("The file is empty."), _("Empty file."))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    found = filetype.guess(head)
    mime = found.mime if found else None
    expected = allowed[extension]
    if mime not in expected:
        raise UploadRefused(
            _("The file's content does not match its name (.%(ext)s).") % {"ext": extension},
            _("The content is not what the name says."),
        )
    if extension in PHOTO_TYPES:
        _check_photo(upload)
    if mime == "application/zip":
        return sorted(expected - {"application/zip"})[0]
    return mime


def _check_photo(upload):
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused(_("The photo has too many pixels."), _("Too large."))
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UploadRefused(_("The photo cannot be read."), _("Not a readable image.")) from exc
    finally:
        upload.seek(0)


def private_file_response(file, content_type, *, filename=None, max_age=0):
    """Send a private file to a user the view has checked. Shown in the browser when it can do
    so safely (images, PDF), else downloaded; FileResponse writes Content-Disposition itself,
    encoding a Vietnamese file name (RFC 6266 `filename*=`) that a hand-made header would
    break on. Never sniffed, never kept by a shared cache."""
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=not inline, filename=filename or ""
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response
