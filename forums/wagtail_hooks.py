"""Forums in the Wagtail admin (programme staff), on the portal's menu and on "My work".

Minutes are a `WorkflowSnippetViewSet`: the admin lists only what the user may see, edits only
in the states the publication workflow allows, and saves (and restores old versions) through
`forums.services.minutes_update`, so every save there is a version like on the site. Wagtail's
own history, compare and restore screens come with `RevisionMixin`.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic.mixins import RevisionsRevertMixin
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.admin_exports import SafeExportSnippetViewSet
from portal.my_work import MyWorkPanel, NavItem
from portal.searchable import HOOK
from workflows.admin import LimitedPolicy, WorkflowEditView, WorkflowPermissionPolicy, WorkflowSnippetViewSet

from . import admin_views, selectors, services
from .models import VERSIONED_FIELDS, ActionItem, Decision, Forum, Meeting, Minutes
from .searchable import SEARCHABLES


def _minutes_update(minutes, by, fields):
    return services.minutes_update(minutes=minutes, by=by, **fields)


class MinutesEditView(WorkflowEditView):
    """Saves through the service, which keeps the revision and logs the edit with it (so the
    admin's history links each edit to its compare view)."""

    def save_instance(self):
        fields = {
            name: self.form.cleaned_data[name] for name in self.form.changed_data if name in VERSIONED_FIELDS
        }
        return services.minutes_update(minutes=self.object, by=self.request.user, **fields)


class MinutesRevertView(RevisionsRevertMixin, MinutesEditView):
    """Restoring an old version in the admin: the whole form as shown (the old version, with
    any changes made on top) is saved through the service as a new version."""

    view_name = "revisions_revert"

    def save_instance(self):
        fields = {
            name: self.form.cleaned_data[name] for name in VERSIONED_FIELDS if name in self.form.cleaned_data
        }
        instance = services.minutes_update(
            minutes=self.object,
            by=self.request.user,
            log_action="wagtail.revert",
            previous_revision=self.revision,
            **fields,
        )
        self.new_revision = instance.latest_revision
        self.has_content_changes = True
        return instance


class MinutesViewSet(WorkflowSnippetViewSet):
    model = Minutes
    update_service = _minutes_update
    edit_view_class = MinutesEditView
    icon = "doc-full-inverse"
    list_display = ["meeting", "language", "state", "is_public", "updated_at"]
    list_filter = ["state", "language", "is_public", "meeting__forum__level"]
    search_fields = ["body", "meeting__title"]
    panels = [FieldPanel("language"), FieldPanel("body"), FieldPanel("is_public")]

    @property
    def revisions_revert_view_class(self):
        return MinutesRevertView

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting")


class ForumViewSet(SafeExportSnippetViewSet):
    model = Forum
    icon = "group"
    list_display = ["name", "level", "whole_network"]
    list_filter = ["level"]
    search_fields = ["name", "description"]


class MeetingViewSet(SafeExportSnippetViewSet):
    """Read and exported here; recorded and edited on the site (the services)."""

    model = Meeting
    inspect_view_enabled = True
    icon = "date"
    list_display = ["title", "forum", "date", "host_city"]
    list_filter = ["forum__level", "forum", "host_city"]
    search_fields = ["title", "venue", "agenda"]
    list_export = ["title", "forum", "date", "venue", "host_city", "participants_female", "participants_male"]

    def get_queryset(self, request):
        return Meeting.objects.select_related("forum", "host_city")


class DecisionViewSet(SafeExportSnippetViewSet):
    """Read and exported here; recorded and answered on the meeting page (the services)."""

    model = Decision
    inspect_view_enabled = True
    icon = "openquote"
    list_display = ["text", "kind", "addressed_to", "raised_on", "status"]
    list_filter = ["kind", "addressed_to", "status", "meeting__forum__level"]
    search_fields = ["text", "answer", "addressee"]
    list_export = [
        "raised_on",
        "kind",
        "addressed_to",
        "addressee",
        "text",
        "status",
        "answer",
        "answered_on",
    ]

    def get_queryset(self, request):
        return Decision.objects.filter(
            meeting__in=selectors.open_meetings(request.user).values("pk")
        ).select_related("meeting")


class ActionItemViewSet(SafeExportSnippetViewSet):
    """Read and exported here; set and followed up on the meeting page (the services)."""

    model = ActionItem
    inspect_view_enabled = True
    icon = "tasks"
    list_display = ["text", "owner_city", "due_on", "status"]
    list_filter = ["status", "owner_city"]
    search_fields = ["text"]
    list_export = ["text", "owner_city", "owner_person", "due_on", "status", "done_on"]

    def get_queryset(self, request):
        return selectors.visible_action_items(request.user).select_related("owner_city", "owner_person")


class ForumsGroup(SnippetViewSetGroup):
    menu_label = _("Forums")
    menu_icon = "group"
    menu_order = 260
    items = (ForumViewSet, MeetingViewSet, MinutesViewSet, DecisionViewSet, ActionItemViewSet)


register_permission_policy(Minutes, WorkflowPermissionPolicy(Minutes))
register_permission_policy(Meeting, LimitedPolicy(Meeting, denied=("add", "change", "delete")))
register_permission_policy(Decision, LimitedPolicy(Decision, denied=("add", "change", "delete")))
register_permission_policy(ActionItem, LimitedPolicy(ActionItem, denied=("add", "change", "delete")))
register_snippet(ForumsGroup)


@hooks.register("register_admin_urls")
def forums_admin_urls():
    return [path("forums/import/", admin_views.historic_import_view, name="forums_historic_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_import(request.user)


@hooks.register("register_settings_menu_item")
def forums_import_menu_item():
    return ImportMenuItem(
        _("Import historic minutes"), reverse("forums_historic_import"), icon_name="upload", order=900
    )


@hooks.register("portal_nav_items")
def forums_nav(user):
    return [NavItem(label=_("Forums"), url=reverse("forums:forum_list"), order=50)]


@hooks.register("portal_my_work_panels")
def action_items_panel(user):
    items = selectors.my_action_items(user)
    if not items:
        return None
    return MyWorkPanel(
        title=_("Open action items of my city"),
        template="forums/my_work_panel.html",
        context={"items": items},
        order=45,
    )


@hooks.register(HOOK)
def searchable():
    return SEARCHABLES
