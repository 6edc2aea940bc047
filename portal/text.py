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


def display_name(user):
    """A user's name as Vietnamese write it, family name first ("Vũ Thị Nhung"); Django's
    get_full_name() puts the given name first. Falls back to the username."""
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name, user.first_name) if part).strip()
    return name or user.get_username()
