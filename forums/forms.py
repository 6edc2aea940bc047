from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import City, Person

from .files import ACCEPTED, MAX_ATTACHMENT_BYTES
from .models import ActionItem, Decision, Forum, Meeting, Minutes, MinutesAttachment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "date",
            "venue",
            "host_city",
            "cities",
            "agenda",
            "participants_female",
            "participants_male",
            "participants_community",
            "participants_government",
            "participants_other",
        ]
        widgets = {
            "date": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "cities": forms.CheckboxSelectMultiple,
        }

    participants = forms.CharField(
        label=_("Named participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One person a line (name, or name and phone), as in the people registry of the "
            "meeting's cities. Names not found are listed after saving and not added."
        ),
    )

    def __init__(self, *args, host_cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_city"].queryset = host_cities
        self.fields["cities"].queryset = City.objects.order_by("name_folded")
        self.fields["cities"].required = False
        for name in self.fields:
            if name.startswith("participants_"):
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})


class MinutesForm(forms.Form):
    """The front-end editor: text typed in paragraphs (or simple HTML), sanitised on save."""

    language = forms.ChoiceField(label=_("Language"), choices=Minutes.Language.choices)
    body = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 22, "class": "minutes-editor"}),
        help_text=_("Leave a blank line between paragraphs. Simple formatting (<b>, <i>, lists) is kept."),
        max_length=500_000,
    )
    is_public = forms.BooleanField(
        label=_("Public once published"),
        required=False,
        help_text=_("Readable without logging in. Leave off for minutes with personal data."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=MinutesAttachment.Kind.choices)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # interpolated here, in the request's language: `%` on a lazy text at import time
        # would fix it in whichever language was active then
        self.fields["file"].help_text = _(
            "PDF, Word (.docx), Excel (.xlsx) or a photo (.jpg, .png); at most %(mb)s MB."
        ) % {"mb": MAX_ATTACHMENT_BYTES >> 20}
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in ACCEPTED)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Decision.Kind.choices, initial=Decision.Kind.ISSUE)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    addressed_to = forms.ChoiceField(
        label=_("Addressed to"), choices=[("", "—"), *Decision.AddressedTo.choices], required=False
    )
    addressee = forms.CharField(label=_("Addressee"), max_length=200, required=False)
    raised_on = forms.DateField(label=_("Date raised"), widget=DateInput(), required=False)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Decision.Status.choices)
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    answered_on = forms.DateField(label=_("Date answered"), widget=DateInput(), required=False)


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    owner_city = forms.ModelChoiceField(label=_("Owner city"), queryset=City.objects.none(), required=False)
    owner_person = forms.ModelChoiceField(
        label=_("Owner (a participant)"), queryset=Person.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, cities, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_city"].queryset = cities
        self.fields["owner_person"].queryset = people


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    followed_up_at = forms.ModelChoiceField(
        label=_("Followed up at"), queryset=Meeting.objects.none(), required=False
    )
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followed_up_at"].queryset = meetings


class ForumFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *Forum.Level.choices], required=False
    )


class IssueFilterForm(forms.Form):
    addressed_to = forms.ChoiceField(
        label=_("Raised to"),
        choices=[
            ("", _("Ministries and the VUF")),
            (Decision.AddressedTo.MINISTRY, Decision.AddressedTo.MINISTRY.label),
            (Decision.AddressedTo.VUF, Decision.AddressedTo.VUF.label),
        ],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Decision.Status.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Forum level"), choices=[("", _("All levels")), *Forum.Level.choices], required=False
    )
    city = forms.ModelChoiceField(
        label=_("City"), queryset=City.objects.order_by("name_folded"), required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]


class ActionFilterForm(forms.Form):
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities


class HistoricImportForm(forms.Form):
    meetings = forms.FileField(
        label=_("Meetings sheet (CSV or XLSX)"),
        help_text=_("One row per minutes document; see the column list below."),
    )
    documents = forms.FileField(label=_("Documents (ZIP)"), required=False)
