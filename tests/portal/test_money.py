"""Money as Vietnamese and English users type it: accepted forms, refused forms, each refusal
with its message; and the proposal forms use the shared field."""

import pytest
from django.utils import translation

from portal.forms import MoneyField, MoneyInput
from proposals.forms import BudgetForm, DisburseForm
from proposals.models import MAX_AMOUNT


@pytest.mark.parametrize(
    "typed",
    [
        "1500000",
        "1.500.000",
        "1 500 000",
        "1,500,000",
        "1\u00a0500\u00a0000",
        "1\u202f500\u202f000",
        " 1.500.000 ₫",
        "1.500.000đ",
        "VND 1,500,000",
        "1.500.000 VNĐ",
    ],
)
def test_accepted(typed):
    assert MoneyField().clean(typed) == 1_500_000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1.500.000", "The amount cannot be negative."),
        ("-5", "The amount cannot be negative."),
        ("1.500.000,50", "Amounts are whole đồng: leave out the decimals."),
        ("1500000.5", "Amounts are whole đồng: leave out the decimals."),
        ("1,5", "Amounts are whole đồng: leave out the decimals."),
        ("100.000.000.001", "The amount cannot be above 100,000,000,000."),
        ("9" * 40, "The amount cannot be above 100,000,000,000."),
        ("abc", "Write the amount in digits, for example 1.500.000."),
        ("1,5 triệu", "Write the amount in digits, for example 1.500.000."),
        ("1.50.000", "Write the amount in digits, for example 1.500.000."),
        ("1.500,000", "Write the amount in digits, for example 1.500.000."),
        ("1e6", "Write the amount in digits, for example 1.500.000."),
        ("١٥٠٠", "Write the amount in digits, for example 1.500.000."),
    ],
)
def test_refused_with_a_message(typed, message):
    form = DisburseForm({"amount": typed, "date": "2026-03-01", "token": "", "state": "approved"})
    assert not form.is_valid()
    assert form.errors["amount"] == [message]


def test_below_a_minimum_above_zero():
    form = DisburseForm({"amount": "0"})
    assert form.errors["amount"] == ["The amount cannot be below 1."]


def test_refusals_in_vietnamese():
    with translation.override("vi"):
        form = BudgetForm({"requested_amount": "1,5", "contribution_cash": "-1", "contribution_labour": "x"})
        assert not form.is_valid()
        assert "1.500.000" in form.errors["contribution_labour"][0]
        assert form.errors["requested_amount"][0] != "Amounts are whole đồng: leave out the decimals."


def test_empty_optional_and_required():
    assert MoneyField(required=False).clean("  ") is None
    form = BudgetForm({"requested_amount": "", "contribution_cash": "0", "contribution_labour": "0"})
    assert "requested_amount" in form.errors


def test_the_widget_is_a_numeric_text_input_showing_grouped_amounts():
    html = BudgetForm(initial={"requested_amount": 1_500_000}).as_p()
    assert 'type="text"' in html and 'inputmode="numeric"' in html and "data-money" in html
    assert 'type="number"' not in html
    assert MoneyInput().format_value(1_500_000) in ("1,500,000", "1.500.000")
    with translation.override("vi"):
        assert MoneyInput().format_value(1_500_000) == "1.500.000"
        assert DisburseForm({"amount": "1.500.000"}).fields["amount"].clean("1.500.000") == 1_500_000
    assert MAX_AMOUNT == 100_000_000_000
