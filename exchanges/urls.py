from django.urls import path

from . import views

app_name = "exchanges"

urlpatterns = [
    path("", views.exchange_list, name="list"),
    path("network/", views.network, name="network"),
    path("new/", views.exchange_new, name="new"),
    path("<int:pk>/", views.exchange_detail, name="detail"),
    path("<int:pk>/edit/", views.exchange_edit, name="edit"),
    path("<int:pk>/do/<slug:name>/", views.exchange_transition, name="transition"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path(
        "<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/lessons/", views.lesson_save, name="lesson_save"),
    path("<int:pk>/report/", views.report_save, name="report_save"),
    path("<int:pk>/files/", views.file_add, name="file_add"),
    path("<int:pk>/files/<int:file_pk>/remove/", views.file_remove, name="file_remove"),
    path("<int:pk>/import/", views.import_sheet, name="import_sheet"),
    path("<int:pk>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/export/", views.export_sheet, name="export_sheet"),
    path("files/<int:file_pk>/", views.file_download, name="file"),
]
