import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import Person

# Thousands separators people type: dot (Vietnamese), comma (English), spaces (plain,
# no-break, narrow no-break, as copied from the portal's own pages).
_GROUPED = re.compile(r"[0-9]{1,3}(?:(?P<sep>[., \u00a0\u202f])[0-9]{3})(?:(?P=sep)[0-9]{3})*")
_DECIMAL = re.compile(r"[0-9][0-9., \u00a0\u202f]*[.,][0-9]{1,2}")
_CURRENCY = re.compile(r"(?i)(₫|đồng|dong|vnđ|vnd|đ)")


def parse_money(text):
    """Whole VND from what Vietnamese and English users type: 1500000, 1.500.000,
    1 500 000, 1,500,000 (with or without ₫ / VND). Raises ValueError with the reason code
    "decimal" or "invalid"; the sign is kept (the caller checks the range)."""
    value = _CURRENCY.sub("", str(text)).strip()
    sign = 1
    if value[:1] in "-−":
        sign, value = -1, value[1:].strip()
    elif value[:1] == "+":
        value = value[1:].strip()
    if re.fullmatch(r"[0-9]+", value):  # ASCII digits only (\d would take any script's)
        return sign * int(value)
    if _GROUPED.fullmatch(value):
        return sign * int(re.sub(r"[^0-9]", "", value))
    if _DECIMAL.fullmatch(value):
        raise ValueError("decimal")
    raise ValueError("invalid")


class MoneyInput(forms.TextInput):
    """A text input (a number input empties "1.500.000" on some phones) with the numeric
    keypad; `portal/money.js` shows the amount grouped as it is typed."""

    def __init__(self, attrs=None):
        base = {"inputmode": "numeric", "autocomplete": "off", "data-money": "", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return number_format(value, 0, use_l10n=True, force_grouping=True)
        return super().format_value(value)


class MoneyField(forms.Field):
    """An amount in whole VND, typed the way people write it (see `parse_money`)."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": _("Write the amount in digits, for example 1.500.000."),
        "decimal": _("Amounts are whole đồng: leave out the decimals."),
        "min_value": _("The amount cannot be below %(limit)s."),
        "negative": _("The amount cannot be negative."),
        "max_value": _("The amount cannot be above %(limit)s."),
    }

    def __init__(self, *, min_value=0, max_value=None, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_money(value)
        except ValueError as exc:
            code = str(exc) if str(exc) in ("decimal",) else "invalid"
            raise ValidationError(self.error_messages[code], code=code) from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            if value < 0 <= self.min_value:
                raise ValidationError(self.error_messages["negative"], code="negative")
            raise ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit": _grouped(self.min_value)}
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"], code="max_value", params={"limit": _grouped(self.max_value)}
            )


def _grouped(value):
    return number_format(value, 0, use_l10n=True, force_grouping=True)


class PersonMergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("Keep (number)"), queryset=Person.objects.select_related("city"), widget=forms.NumberInput
    )
    remove = forms.ModelChoiceField(
        label=_("Merge into it and delete (number)"),
        queryset=Person.objects.select_related("city"),
        widget=forms.NumberInput,
    )

    def clean(self):
        data = super().clean()
        if data.get("keep") and data.get("keep") == data.get("remove"):
            raise forms.ValidationError(_("Choose two different people."))
        return data
