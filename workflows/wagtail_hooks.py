"""The workflow engine on the portal and in the admin: "Awaiting my action" over every
registered workflow, and the diagrams drawn from the declarations."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.my_work import MyWorkPanel

from . import admin_views
from .engine import worklist

PANEL_SIZE = 10


@hooks.register("portal_my_work_panels")
def awaiting_my_action(user):
    """Plone's review list: records of every workflow where the user may fire a transition
    now, oldest first; one query per workflow (plus a count where a list is cut)."""
    groups = []
    for wf, qs in worklist(user).items():
        items = list(qs.order_by("pk")[: PANEL_SIZE + 1])
        if not items:
            continue
        more = len(items) > PANEL_SIZE
        groups.append(
            {
                "workflow": wf,
                "label": wf.model._meta.verbose_name_plural,
                "items": [(obj, wf.state_label(wf.state_of(obj))) for obj in items[:PANEL_SIZE]],
                "total": qs.count() if more else len(items),
                "more": more,
                "url": wf.worklist_url,
            }
        )
    if not groups:
        return None
    return MyWorkPanel(
        title=_("Awaiting my action"),
        template="workflows/my_work_panel.html",
        context={"groups": groups},
        order=10,
    )


@hooks.register("register_admin_urls")
def workflow_admin_urls():
    return [path("workflows/diagram/", admin_views.diagram, name="workflows_diagram")]


@hooks.register("register_admin_menu_item")
def diagram_menu_item():
    return MenuItem(_("Workflow diagrams"), reverse("workflows_diagram"), icon_name="link", order=215)
