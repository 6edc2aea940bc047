"""Which files a proposal attachment may be, by kind; the checks themselves (extension, real
content, size, readable photo) are portal.uploads'."""

from portal.uploads import OFFICE_TYPES, PDF_TYPES, PHOTO_TYPES, UploadRefused
from portal.uploads import check_upload as _check_upload
from workflows.engine import TransitionRefused

KIND_TYPES = {
    "map": {**PHOTO_TYPES, **PDF_TYPES},
    "photo": PHOTO_TYPES,
    "completion_photo": PHOTO_TYPES,
    "budget_sheet": {"xlsx": OFFICE_TYPES["xlsx"], **PDF_TYPES},
    "other": {**PHOTO_TYPES, **PDF_TYPES, **OFFICE_TYPES},
}


def check_upload(upload, kind) -> str:
    """The upload's real content type, or TransitionRefused saying what is wrong."""
    try:
        return _check_upload(upload, KIND_TYPES.get(kind, {}))
    except UploadRefused as exc:
        raise TransitionRefused(exc.message, field_errors={"file": [exc.field_message]}) from None
