"""Export of proposals for staff (django-import-export): CSV and XLSX."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import Proposal


class ProposalResource(resources.ModelResource):
    city = fields.Field(attribute="community__ward__city__name", column_name=_("City"))
    ward = fields.Field(attribute="community__ward__name", column_name=_("Ward"))
    community = fields.Field(attribute="community__name", column_name=_("Community"))
    state = fields.Field(attribute="get_state_display", column_name=_("State"))
    category = fields.Field(attribute="get_category_display", column_name=_("Category"))
    funding_type = fields.Field(attribute="get_funding_type_display", column_name=_("Funding type"))
    disbursed = fields.Field(attribute="disbursed_total", column_name=_("Disbursed (VND)"))
    repaid = fields.Field(attribute="repaid_total", column_name=_("Repaid (VND)"))

    class Meta:
        model = Proposal
        fields = (
            "id",
            "title",
            "city",
            "ward",
            "community",
            "category",
            "state",
            "funding_type",
            "households_planned",
            "requested_amount",
            "contribution_cash",
            "contribution_labour",
            "approved_amount",
            "disbursed",
            "repaid",
            "planned_start",
            "planned_end",
            "actual_households",
            "actual_cost",
            "updated_at",
        )
        export_order = fields
