from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.forum_list, name="forum_list"),
    path("<int:pk>/", views.forum_detail, name="forum_detail"),
    path("<int:forum_pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_pk>/minutes/new/", views.minutes_new, name="minutes_new"),
    path("meetings/<int:meeting_pk>/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:meeting_pk>/actions/", views.action_add, name="action_add"),
    path("minutes/<int:pk>/", views.minutes_detail, name="minutes_detail"),
    path("minutes/<int:pk>/edit/", views.minutes_edit, name="minutes_edit"),
    path("minutes/<int:pk>/do/<slug:name>/", views.minutes_transition, name="minutes_transition"),
    path("minutes/<int:pk>/files/", views.minutes_attach, name="minutes_attach"),
    path("minutes/<int:pk>/versions/", views.minutes_versions, name="minutes_versions"),
    path(
        "minutes/<int:pk>/versions/<int:revision_pk>/restore/", views.minutes_restore, name="minutes_restore"
    ),
    path("files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("files/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("issues/<int:pk>/answer/", views.decision_answer, name="decision_answer"),
    path("actions/<int:pk>/", views.action_update, name="action_update"),
    path("issues/", views.issues_list, name="issues_list"),
    path("actions/", views.actions_list, name="actions_list"),
]
