"""The proposals in the menu; proposals, policies and funds in the Wagtail admin (transitions
there go through the same services; "Awaiting my action" is the engine's, for every workflow)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.models import Role
from portal.my_work import NavItem
from portal.permissions import user_has_role

from .searchable import searchable  # noqa: F401  (registers with search)
from .selectors import FUND_ROLES, REVIEWER_ROLES


@hooks.register("portal_nav_items")
def proposal_nav(user):
    items = []
    if user_has_role(user, Role.COMMUNITY_REPRESENTATIVE):
        items.append(NavItem(_("My proposals"), reverse("proposals:my_proposals"), order=20))
    if user_has_role(user, REVIEWER_ROLES):
        items.append(NavItem(_("Review queue"), reverse("proposals:review_queue"), order=21))
    if user_has_role(user, FUND_ROLES):
        items.append(NavItem(_("City funds"), reverse("proposals:fund_list"), order=22))
    return items


# --- Wagtail admin ------------------------------------------------------------------------------
# Staff see and filter every record here. Nothing is created or deleted behind the services'
# back: proposals are created by communities, ledger entries only by the fund's services, and a
# proposal's state changes only through its "Workflow actions" page, which calls the same
# services as the front end.

from django.urls import path  # noqa: E402
from wagtail.admin.panels import FieldPanel  # noqa: E402
from wagtail.admin.widgets.button import Button  # noqa: E402
from wagtail.permissions import register_permission_policy  # noqa: E402
from wagtail.snippets.models import register_snippet  # noqa: E402
from wagtail.snippets.views.snippets import SnippetViewSetGroup  # noqa: E402

from portal.admin_exports import SafeExportSnippetViewSet  # noqa: E402
from workflows.admin import LimitedPolicy, WorkflowPermissionPolicy, WorkflowSnippetViewSet  # noqa: E402

from . import admin_views, services  # noqa: E402
from .models import CityFund, CityWorkflowPolicy, LedgerEntry, Proposal  # noqa: E402


def _proposal_update(proposal, by, fields):
    return services.proposal_update(proposal=proposal, by=by, **fields)


class PolicyViewSet(SafeExportSnippetViewSet):
    model = CityWorkflowPolicy
    icon = "cogs"
    menu_label = _("City workflow policies")
    list_display = ["city", "ward_endorsement_required", "programme_threshold"]
    list_filter = ["ward_endorsement_required"]
    search_fields = ["city__name"]
    panels = [FieldPanel("city"), FieldPanel("ward_endorsement_required"), FieldPanel("programme_threshold")]

    def get_queryset(self, request):
        return CityWorkflowPolicy.objects.select_related("city")


class ProposalViewSet(WorkflowSnippetViewSet):
    """Staff read every proposal past its draft; edits are the community's (in draft or when a
    revision is requested), through the same service as on the site."""

    model = Proposal
    update_service = _proposal_update
    icon = "doc-full"
    list_display = [
        "title",
        "community",
        "state",
        "category",
        "requested_amount",
        "approved_amount",
        "updated_at",
    ]
    list_filter = ["state", "category", "funding_type", "community__ward__city"]
    search_fields = ["title", "description", "location"]
    list_export = list_display
    # the state is not a field here: it changes through "Workflow actions" only
    panels = [
        FieldPanel("title"),
        FieldPanel("category"),
        FieldPanel("description"),
        FieldPanel("location"),
        FieldPanel("households_planned"),
        FieldPanel("planned_start"),
        FieldPanel("planned_end"),
    ]


class FundViewSet(SafeExportSnippetViewSet):
    model = CityFund
    icon = "tasks"
    list_display = ["city", "balance", "created_at"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return CityFund.objects.select_related("city")


class LedgerViewSet(SafeExportSnippetViewSet):
    model = LedgerEntry
    icon = "list-ul"
    list_display = ["date", "fund", "kind", "amount", "proposal", "description", "recorded_by"]
    list_filter = ["kind", "fund__city"]
    search_fields = ["description"]
    list_export = ["date", "fund", "kind", "amount", "proposal", "description", "recorded_by"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return LedgerEntry.objects.select_related("fund__city", "proposal", "recorded_by")


class ProposalsGroup(SnippetViewSetGroup):
    menu_label = _("Proposals")
    menu_icon = "doc-full"
    menu_order = 210
    items = (ProposalViewSet, PolicyViewSet, FundViewSet, LedgerViewSet)


# proposals are created by communities and never deleted; funds and ledgers are append-only,
# written by the fund's services (corrections are reversing entries)
register_permission_policy(Proposal, WorkflowPermissionPolicy(Proposal))
register_permission_policy(CityFund, LimitedPolicy(CityFund, denied={"add", "change", "delete"}))
register_permission_policy(LedgerEntry, LimitedPolicy(LedgerEntry, denied={"add", "change", "delete"}))
register_snippet(ProposalsGroup)


@hooks.register("register_admin_urls")
def proposal_admin_urls():
    return [
        path(
            "proposals/proposal/<int:pk>/actions/",
            admin_views.proposal_actions,
            name="proposals_proposal_actions",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def proposal_actions_button(snippet, user, next_url=None):
    if isinstance(snippet, Proposal):
        yield Button(
            _("Workflow actions"),
            reverse("proposals_proposal_actions", args=[snippet.pk]),
            icon_name="resubmit",
            priority=5,
        )
