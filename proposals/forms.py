import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import MoneyField, MoneyInput
from portal.uploads import MAX_UPLOAD_BYTES

from .models import MAX_AMOUNT, LedgerEntry, Proposal, ProposalAttachment
from .services import CONTRIBUTION_KINDS, EDITABLE_FIELDS


def vnd_field(label, *, required=True, min_value=0, help_text=""):
    """Whole VND as people type it: 1.500.000, 1 500 000, 1500000, 1,500,000."""
    return MoneyField(
        label=label, required=required, min_value=min_value, max_value=MAX_AMOUNT, help_text=help_text
    )


class ProposalForm(forms.ModelForm):
    """Step 1: what, where, for whom, how it is funded."""

    class Meta:
        model = Proposal
        fields = EDITABLE_FIELDS
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"] = forms.ModelChoiceField(
                queryset=communities, label=_("Community"), empty_label=None
            )
            self.order_fields(["community", *EDITABLE_FIELDS])

    def _post_clean(self):
        # The model is cleaned by the service (full_clean); avoid touching the protected state.
        pass


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=12, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    unit_cost = vnd_field(_("Unit cost (VND)"))
    total = vnd_field(_("Total (VND)"), required=False, help_text=_("Leave empty to compute it."))


class BaseBudgetLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms):
            raise forms.ValidationError(_("Add at least one budget line."))


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetLineFormSet, extra=2, can_delete=True, max_num=60, validate_max=True
)


class BudgetForm(forms.Form):
    requested_amount = vnd_field(_("Requested amount (VND)"))
    contribution_cash = vnd_field(_("Community contribution in cash (VND)"))
    contribution_labour = vnd_field(_("Community contribution in labour (VND)"))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ProposalAttachment.Kind.choices)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        # interpolated here, in the request's language (at import time it would be fixed in
        # whichever language was active then)
        self.fields["file"].help_text = _(
            "Photos (JPG, PNG, WebP), maps (image or PDF), budget sheets (XLSX or PDF); at most %(mb)s MB."
        ) % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        if kinds is not None:
            self.fields["kind"].choices = [c for c in ProposalAttachment.Kind.choices if c[0] in kinds]


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    state = forms.CharField(widget=forms.HiddenInput)


class DisburseForm(forms.Form):
    amount = vnd_field(_("Amount (VND)"), min_value=1)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    comment = forms.CharField(label=_("Note"), required=False, max_length=300)
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    state = forms.CharField(widget=forms.HiddenInput)


class CompleteForm(forms.Form):
    actual_households = forms.IntegerField(
        label=_("Households benefiting (actual)"), min_value=0, max_value=100_000
    )
    actual_cost = vnd_field(_("Actual cost (VND)"), min_value=1)
    report = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )
    photo = forms.FileField(label=_("Completion photo"), required=False)
    state = forms.CharField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k.value, k.label) for k in LedgerEntry.Kind if k in CONTRIBUTION_KINDS]
    )
    amount = MoneyField(
        label=_("Amount (VND)"),
        min_value=-MAX_AMOUNT,
        max_value=MAX_AMOUNT,
        help_text=_("An adjustment may be negative."),
        # the numeric keypad of some phones has no minus sign
        widget=MoneyInput(attrs={"inputmode": "text"}),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class RepaymentForm(forms.Form):
    proposal = forms.ModelChoiceField(label=_("Loan"), queryset=Proposal.objects.none())
    amount = vnd_field(_("Amount (VND)"), min_value=1)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, loans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if loans is not None:
            self.fields["proposal"].queryset = loans


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReviewFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All"))] + list(Proposal.State.choices)
    )
    # a plain choice of ids, listed by one query: a ModelChoiceField counts its queryset, reads
    # it through a cursor to render, and queries again to clean the chosen ward
    ward = forms.TypedChoiceField(
        label=_("Ward"), required=False, coerce=int, empty_value=None, choices=[("", _("All"))]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All"))] + list(Proposal.Category.choices)
    )
    awaiting = forms.BooleanField(label=_("Only awaiting my action"), required=False)

    def __init__(self, *args, wards=(), **kwargs):
        """`wards`: (id, label) pairs, from `selectors.ward_choices`."""
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", _("All")), *wards]
