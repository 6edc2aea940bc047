"""Training in the Wagtail admin (programme staff) and on the portal's menu and My work."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.my_work import MyWorkPanel, NavItem

from . import access
from .models import Attendance, Course, TrainingSession


class CourseViewSet(SnippetViewSet):
    model = Course
    icon = "doc-full"
    list_display = ["title", "topic"]
    list_filter = ["topic"]
    search_fields = ["title", "description"]
    list_export = ["title", "topic", "description"]


class TrainingSessionViewSet(SnippetViewSet):
    model = TrainingSession
    icon = "date"
    list_display = ["code", "course", "city", "starts_at", "status"]
    list_filter = ["status", "course", "city"]
    search_fields = ["code", "venue", "course__title"]
    list_export = ["code", "course", "city", "venue", "starts_at", "ends_at", "capacity", "status"]
    # status moves only through its transitions (training.services), never through this form
    exclude_form_fields = ["status", "report_submitted_at"]

    def get_queryset(self, request):
        return TrainingSession.objects.select_related("course", "city")


class AttendanceViewSet(SnippetViewSet):
    model = Attendance
    icon = "user"
    list_display = ["person", "session", "role", "walk_in"]
    list_filter = ["role", "walk_in", "session__city", "session__course"]
    search_fields = ["person__name", "person__name_folded", "session__code"]
    list_export = ["person", "session", "role", "walk_in"]

    def get_queryset(self, request):
        return Attendance.objects.select_related("person", "session__course", "session__city")


class TrainingGroup(SnippetViewSetGroup):
    menu_label = _("Training")
    menu_icon = "date"
    menu_order = 250
    items = (CourseViewSet, TrainingSessionViewSet, AttendanceViewSet)


register_snippet(TrainingGroup)


@hooks.register("portal_nav_items")
def training_nav(user):
    if TrainingSession.objects.visible_to(user).exists() or access.can_view_statistics(user):
        return [NavItem(label=_("Training"), url=reverse("training:session_list"), order=40)]
    return []


@hooks.register("portal_my_work_panels")
def my_sessions_panel(user):
    sessions = list(
        TrainingSession.objects.visible_to(user)
        .exclude(status=TrainingSession.Status.REPORT_SUBMITTED)
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
