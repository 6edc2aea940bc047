"""Text helpers for Vietnamese names."""

import re
import unicodedata

# đ/Đ is a letter of its own, not d plus an accent: NFD leaves it alone.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def fold(text):
    """ASCII-fold and lower-case a name for matching: "Đà Nẵng" -> "da nang"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def normalize_phone(phone):
    """Digits only, with Vietnam's +84 written as a leading 0, so numbers compare equal."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits
