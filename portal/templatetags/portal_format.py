"""Locale-aware formatting for money (integer VND) and counts."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

from portal.text import display_name

register = template.Library()


@register.filter
def num(value):
    """A whole number with the locale's grouping: 2.411 in Vietnamese, 2,411 in English."""
    if value is None or value == "":
        return ""
    return number_format(int(value), 0, use_l10n=True, force_grouping=True)


@register.filter
def vnd(value):
    """Integer VND: "1.500.000 ₫" in Vietnamese, "VND 1,500,000" in English."""
    if value is None or value == "":
        return ""
    amount = num(abs(int(value)))
    sign = "-" if int(value) < 0 else ""
    if (get_language() or "vi").startswith("vi"):
        return f"{sign}{amount}\u00a0₫"
    return f"{sign}VND\u00a0{amount}"


@register.filter(name="display_name")
def display_name_filter(user):
    """{{ user|display_name }}: family name first, as Vietnamese names are written."""
    return display_name(user)
