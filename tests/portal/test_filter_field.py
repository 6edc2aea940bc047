from django import forms
from django.template import engines

from portal.models import Province


def render(form, name):
    template = engines["django"].from_string("{% load portal_forms %}{% filter_field field %}")
    return template.render({"field": form[name]})


class Filters(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", "All"), ("a", "<b>A</b>"), ("b", "B")])
    year = forms.TypedChoiceField(
        required=False, coerce=int, choices=[("", "All"), (2025, "2025"), (2026, "2026")]
    )
    mine = forms.BooleanField(required=False, label="Only mine")
    grouped = forms.ChoiceField(
        required=False, choices=[("North", [("hn", "Hà Nội")]), ("South", [("hcm", "HCM")])]
    )
    q = forms.CharField(required=False, label="Name")
    province = forms.ModelChoiceField(required=False, queryset=Province.objects.order_by("name"))


def test_a_select_keeps_the_chosen_value_and_escapes_labels(db):
    form = Filters({"state": "a", "year": "2026"})
    html = render(form, "state")
    assert '<label for="id_state">State</label><select name="state" id="id_state">' in html
    assert '<option value="a" selected>&lt;b&gt;A&lt;/b&gt;</option>' in html
    assert html.count("selected") == 1
    assert '<option value="2026" selected>2026</option>' in render(form, "year")
    assert '<option value="" selected>All</option>' in render(Filters({}), "state")


def test_a_checkbox_is_checked_when_sent(db):
    assert " checked>" in render(Filters({"mine": "on"}), "mine")
    html = render(Filters({}), "mine")
    assert 'type="checkbox" name="mine" id="id_mine">' in html and " checked" not in html


def test_model_choices_and_errors(db):
    province = Province.objects.create(name="Nghệ An", region="central")
    form = Filters({"province": str(province.pk), "year": "1999"})
    form.is_valid()
    assert f'<option value="{province.pk}" selected>' in render(form, "province")
    assert '<p class="error">' in render(form, "year")


def test_other_widgets_render_as_django_renders_them(db):
    form = Filters({"grouped": "hcm", "q": "lan"})
    assert "<optgroup" in render(form, "grouped") and 'value="hcm" selected' in render(form, "grouped")
    assert 'name="q" value="lan"' in render(form, "q")
