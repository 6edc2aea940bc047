from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import City, Community, Person

from .models import ExchangeFile, ExchangeVisit, Topic


class CommunityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.ward.name} · {obj.ward.city.name}"


class ExchangeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExchangeVisit.Kind.choices)
    host_city = forms.ModelChoiceField(label=_("Host city"), queryset=City.objects.none())
    host_communities = CommunityChoiceField(
        label=_("Host communities"), queryset=Community.objects.none(), required=False
    )
    visiting_cities = forms.ModelMultipleChoiceField(
        label=_("Visiting cities"),
        queryset=City.objects.filter(is_active=True),
        required=False,
        help_text=_("For a city-to-city exchange."),
    )
    visiting_communities = CommunityChoiceField(
        label=_("Visiting communities"), queryset=Community.objects.none(), required=False
    )
    start_date = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    budget = forms.IntegerField(label=_("Budget (VND)"), min_value=0, initial=0, required=False)
    paid_by = forms.ChoiceField(label=_("Paid by"), choices=ExchangeVisit.Payer.choices)

    def __init__(self, *args, cities=None, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Community.objects.select_related("ward__city").order_by(
            "ward__city__name_folded", "name"
        )
        self.fields["host_city"].queryset = cities if cities is not None else City.objects.none()
        self.fields["host_communities"].queryset = communities
        self.fields["visiting_communities"].queryset = communities
        self.fields["budget"].widget.attrs.update({"inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The visit cannot end before it starts."))
        data["budget"] = data.get("budget") or 0
        return data


class ParticipantForm(forms.Form):
    city = forms.ModelChoiceField(label=_("For the city"), queryset=City.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Full name"), max_length=200)
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    year_of_birth = forms.IntegerField(
        label=_("Year of birth"), min_value=1900, max_value=2100, required=False
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=Person.NetworkRole.choices, initial=Person.NetworkRole.COMMUNITY_MEMBER
    )

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.filter(pk__in=[c.pk for c in cities])
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["year_of_birth"].widget.attrs.update({"inputmode": "numeric"})


class LessonForm(forms.Form):
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), empty_label=None)
    lessons = forms.CharField(label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(
        label=_("Follow-up actions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.filter(pk__in=[c.pk for c in cities])


class ReportForm(forms.Form):
    report_text = forms.CharField(
        label=_("Report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("What happened, what was seen and discussed. No phone numbers."),
    )
    follow_up = forms.CharField(
        label=_("Follow-up actions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_public = forms.BooleanField(
        label=_("Public once published"),
        required=False,
        help_text=_("The public sees the report, lessons and public photos, never participants."),
    )


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExchangeFile.Kind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("Photos: JPEG, PNG or WebP. Documents: PDF, DOCX, XLSX. At most 5 MB.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    is_public = forms.BooleanField(label=_("Public"), required=False)


class ImportForm(forms.Form):
    city = forms.ModelChoiceField(label=_("For the city"), queryset=City.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("Participant sheet"),
        help_text=_("Excel .xlsx or CSV (UTF-8, UTF-16 or Windows-1258), one row per person."),
    )

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.filter(pk__in=[c.pk for c in cities])


class FilterForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("City"), queryset=City.objects.filter(is_active=True), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + ExchangeVisit.Kind.choices, required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("All"))] + Topic.choices, required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All"))] + ExchangeVisit.State.choices, required=False
    )
