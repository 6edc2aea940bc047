"""Training in the Wagtail admin (programme staff) and on the portal's menu and My work."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.admin_exports import SafeExportSnippetViewSet
from portal.my_work import MyWorkPanel, NavItem
from workflows.admin import WorkflowPermissionPolicy, WorkflowSnippetViewSet

from . import selectors, services
from .models import Attendance, Course, TrainingSession
from .searchable import searchable  # noqa: F401  (registers with search)


def _session_update(session, by, fields):
    return services.session_update(session=session, by=by, **fields)


class CourseViewSet(SafeExportSnippetViewSet):
    model = Course
    icon = "doc-full"
    list_display = ["title", "topic"]
    list_filter = ["topic"]
    search_fields = ["title", "description"]
    list_export = ["title", "topic", "description"]


class TrainingSessionViewSet(WorkflowSnippetViewSet):
    """Sessions the user may see; edits while planned or held, through the same service as
    the site; scheduled on the site ("My sessions"), never deleted."""

    model = TrainingSession
    update_service = _session_update
    icon = "date"
    list_display = ["code", "course", "city", "starts_at", "status"]
    list_filter = ["status", "course", "city"]
    search_fields = ["code", "venue", "course__title"]
    list_export = ["code", "course", "city", "venue", "starts_at", "ends_at", "capacity", "status"]
    # status moves only through its transitions (training.services), never through this form
    exclude_form_fields = ["status", "report_submitted_at"]


class AttendancePolicy(ModelPermissionPolicy):
    """Attendance is read here; it is taken on the roster (locked once the report is in)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class AttendanceViewSet(SafeExportSnippetViewSet):
    model = Attendance
    inspect_view_enabled = True
    icon = "user"
    list_display = ["person", "session", "role", "walk_in"]
    list_filter = ["role", "walk_in", "session__city", "session__course"]
    search_fields = ["person__name", "person__name_folded", "session__code"]
    list_export = ["person", "session", "role", "walk_in"]

    def get_queryset(self, request):
        visible = TrainingSession.objects.visible_to(request.user).values("pk")
        return Attendance.objects.filter(session__in=visible).select_related(
            "person", "session__course", "session__city"
        )


class TrainingGroup(SnippetViewSetGroup):
    menu_label = _("Training")
    menu_icon = "date"
    menu_order = 250
    items = (CourseViewSet, TrainingSessionViewSet, AttendanceViewSet)


register_permission_policy(TrainingSession, WorkflowPermissionPolicy(TrainingSession))
register_permission_policy(Attendance, AttendancePolicy(Attendance))
register_snippet(TrainingGroup)


@hooks.register("portal_nav_items")
def training_nav(user):
    if TrainingSession.objects.visible_to(user).exists() or selectors.can_view_statistics(user):
        return [NavItem(label=_("Training"), url=reverse("training:session_list"), order=40)]
    return []


@hooks.register("portal_my_work_panels")
def my_sessions_panel(user):
    sessions = list(
        TrainingSession.objects.visible_to(user)
        .exclude(status__in=[TrainingSession.Status.REPORT_SUBMITTED, TrainingSession.Status.CANCELLED])
        .select_related("course", "city")
        .order_by("starts_at")[:5]
    )
    if not sessions:
        return None
    return MyWorkPanel(
        title=_("My sessions"),
        template="training/my_work_panel.html",
        context={"sessions": sessions},
        order=40,
    )
