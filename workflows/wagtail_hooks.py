"""The proposals on "My work" and in the menu; proposals, policies and funds in the Wagtail
admin (transitions there go through the same services)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.models import Role
from portal.my_work import MyWorkPanel, NavItem
from portal.permissions import user_has_role

from .engine import worklist
from .models import PROPOSAL_WORKFLOW
from .selectors import FUND_ROLES, REVIEWER_ROLES

PANEL_SIZE = 10


@hooks.register("portal_my_work_panels")
def awaiting_my_action(user):
    """Plone's review list: every proposal where the user may fire a transition now."""
    qs = worklist(user)[PROPOSAL_WORKFLOW].order_by("updated_at", "pk")
    items = list(qs[: PANEL_SIZE + 1])
    if not items:
        return None
    more = len(items) > PANEL_SIZE
    return MyWorkPanel(
        title=_("Awaiting my action"),
        template="workflows/my_work_panel.html",
        context={"items": items[:PANEL_SIZE], "more": more, "total": qs.count() if more else len(items)},
        order=10,
    )


@hooks.register("portal_nav_items")
def proposal_nav(user):
    items = []
    if user_has_role(user, Role.COMMUNITY_REPRESENTATIVE):
        items.append(NavItem(_("My proposals"), reverse("workflows:my_proposals"), order=20))
    if user_has_role(user, REVIEWER_ROLES):
        items.append(NavItem(_("Review queue"), reverse("workflows:review_queue"), order=21))
    if user_has_role(user, FUND_ROLES):
        items.append(NavItem(_("City funds"), reverse("workflows:fund_list"), order=22))
    return items
