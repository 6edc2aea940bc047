from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path(
        "sessions/<int:pk>/attendance/<int:attendance_pk>/", views.attendance_toggle, name="attendance_toggle"
    ),
    path("sessions/<int:pk>/mark/", views.attendance_mark_view, name="attendance_mark"),
    path("sessions/<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path("sessions/<int:pk>/do/<slug:name>/", views.session_transition, name="session_transition"),
    path("sessions/<int:pk>/report/", views.session_report, name="session_report"),
    path("sessions/<int:pk>/photos/<int:photo_pk>/", views.session_photo, name="session_photo"),
    path("sessions/<int:pk>/import/", views.import_sheet, name="import_sheet"),
    path("sessions/<int:pk>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("sessions/<int:pk>/export/", views.export_sheet, name="export_sheet"),
]
