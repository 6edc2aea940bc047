from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Person


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
