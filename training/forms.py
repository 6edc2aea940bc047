from django import forms
from django.utils.translation import gettext_lazy as _

from portal import sheets
from portal.models import City, Person
from portal.uploads import PHOTO_TYPES, UploadRefused, check_upload

from .models import Course, TrainingSession


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    year_of_birth = forms.IntegerField(
        label=_("Year of birth"), min_value=1900, max_value=2100, required=False
    )
    role = forms.ChoiceField(
        label=_("Role at the session"),
        choices=Person.NetworkRole.choices,
        initial=Person.NetworkRole.COMMUNITY_MEMBER,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["year_of_birth"].widget.attrs.update({"inputmode": "numeric"})


class ReportForm(forms.ModelForm):
    photo = forms.FileField(
        label=_("Add a photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Photo caption"), max_length=200, required=False)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            try:
                check_upload(photo, PHOTO_TYPES)
            except UploadRefused as exc:
                raise forms.ValidationError(exc.message) from None
        return photo

    class Meta:
        model = TrainingSession
        fields = ["topics_covered", "notes"]
        widgets = {
            "topics_covered": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance sheet"),
        help_text=_("Excel .xlsx or CSV (UTF-8, UTF-16 or Windows-1258), one row per person and day."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > sheets.MAX_UPLOAD_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it into smaller sheets.")
                % {"mb": sheets.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class StatisticsFilterForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Group by"),
        choices=[("course", _("Course")), ("city", _("City")), ("year", _("Year"))],
        required=False,
    )
    year_from = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100, required=False)
    year_to = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100, required=False)


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.all())
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.filter(is_active=True))
    venue = forms.CharField(label=_("Venue"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=30)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Written on attendance sheets; left empty, one is made from the city, year and topic."),
    )

    def __init__(self, *args, cities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cities is not None:
            self.fields["city"].queryset = cities

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The session cannot end before it starts."))
        code = data.get("code")
        if code and TrainingSession.objects.filter(code=code).exists():
            self.add_error("code", _("This code is already used by another session."))
        return data
