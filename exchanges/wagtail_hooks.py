"""Exchanges in the Wagtail admin (programme staff) and on the portal's menu and My work."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.my_work import MyWorkPanel, NavItem
from portal.searchable import HOOK as SEARCH_HOOK
from workflows.admin import LimitedPolicy, WorkflowPermissionPolicy, WorkflowSnippetViewSet

from . import services
from .models import ExchangeParticipant, ExchangeVisit
from .searchable import EXCHANGES


def _exchange_update(exchange, by, fields):
    return services.exchange_update(exchange=exchange, by=by, **fields)


class ExchangeVisitViewSet(WorkflowSnippetViewSet):
    """Exchanges the user may see; edits while planned or held, through the same service as the
    site; planned on the site, never deleted here."""

    model = ExchangeVisit
    update_service = _exchange_update
    icon = "globe"
    list_display = ["title", "host_city", "kind", "start_date", "state"]
    list_filter = ["state", "kind", "host_city"]
    search_fields = ["title", "purpose", "report_text"]
    list_export = ["title", "kind", "host_city", "start_date", "end_date", "budget", "paid_by", "state"]
    exclude_form_fields = [
        "state",
        "host_city",
        "host_communities",
        "visiting_cities",
        "visiting_communities",
        "report_text",
        "follow_up",
        "is_public",
        "created_by",
    ]


class ExchangeParticipantViewSet(SnippetViewSet):
    model = ExchangeParticipant
    inspect_view_enabled = True
    icon = "user"
    list_display = ["person", "exchange", "city", "role"]
    list_filter = ["role", "city"]
    search_fields = ["person__name", "person__name_folded", "exchange__title"]

    def get_queryset(self, request):
        visible = ExchangeVisit.objects.visible_to(request.user).values("pk")
        return ExchangeParticipant.objects.filter(exchange__in=visible).select_related(
            "person", "exchange", "city"
        )


class ExchangesGroup(SnippetViewSetGroup):
    menu_label = _("Exchanges")
    menu_icon = "globe"
    menu_order = 260
    items = (ExchangeVisitViewSet, ExchangeParticipantViewSet)


register_permission_policy(ExchangeVisit, WorkflowPermissionPolicy(ExchangeVisit))
# participants are read here; they are added on the exchange's page or by a sheet
register_permission_policy(
    ExchangeParticipant, LimitedPolicy(ExchangeParticipant, denied=("add", "change", "delete"))
)
register_snippet(ExchangesGroup)


@hooks.register("portal_nav_items")
def exchanges_nav(user):
    return [NavItem(label=_("Exchanges"), url=reverse("exchanges:list"), order=50)]


@hooks.register("portal_my_work_panels")
def my_exchanges_panel(user):
    S = ExchangeVisit.State
    exchanges = list(
        ExchangeVisit.objects.visible_to(user)
        .filter(state__in=[S.PLANNED, S.HELD])
        .select_related("host_city")
        .order_by("start_date", "pk")[:5]
    )
    if not exchanges:
        return None
    return MyWorkPanel(
        title=_("Exchanges under way"),
        template="exchanges/my_work_panel.html",
        context={"exchanges": exchanges},
        order=45,
    )


@hooks.register(SEARCH_HOOK)
def searchable():
    return EXCHANGES
