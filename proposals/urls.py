from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("proposals/mine/", views.my_proposals, name="my_proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/review/", views.review_queue, name="review_queue"),
    path("proposals/export/<str:fmt>/", views.proposal_export, name="proposal_export"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/budget/", views.proposal_budget, name="proposal_budget"),
    path("proposals/<int:pk>/attachments/", views.proposal_attachments, name="proposal_attachments"),
    path("proposals/<int:pk>/do/<slug:name>/", views.proposal_transition, name="proposal_transition"),
    path("proposals/<int:pk>/disburse/", views.proposal_disburse, name="proposal_disburse"),
    path("proposals/<int:pk>/complete/", views.proposal_complete, name="proposal_complete"),
    path("proposals/<int:pk>/comment/", views.proposal_comment, name="proposal_comment"),
    path("proposals/files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/<int:city_id>/", views.fund_detail, name="fund_detail"),
    path("funds/<int:city_id>/contribute/", views.fund_contribute, name="fund_contribute"),
    path("funds/<int:city_id>/repayment/", views.fund_repayment, name="fund_repayment"),
    path("funds/<int:city_id>/entries/<int:entry_id>/reverse/", views.fund_reverse, name="fund_reverse"),
]
