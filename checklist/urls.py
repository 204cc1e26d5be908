from django.urls import path

from . import record_views, template_views, views

app_name = "checklist"
urlpatterns = [
    # An administrator's pages for the templates; before the contract's pages, whose first part is a slug.
    path("templates/", template_views.template_list, name="template_list"),
    path("templates/import/", template_views.template_import_view, name="template_import"),
    path("templates/<int:pk>/", template_views.template_detail, name="template_detail"),
    path("templates/<int:pk>/publish/", template_views.template_publish, name="template_publish"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/plan/", views.plan, name="plan"),
    path("<slug:slug>/plan/finalise/", views.plan_finalise, name="plan_finalise"),
    path("<slug:slug>/history/", views.history, name="history"),
    path("<slug:slug>/export/<slug:side>.<slug:fmt>", views.export, name="export"),
    path("<slug:slug>/side/<slug:side>/", views.side, name="side"),
    path("<slug:slug>/side/<slug:side>/attest/", views.side_attest, name="side_attest"),
    path("<slug:slug>/side/<slug:side>/submit/", views.side_submit, name="side_submit"),
    path("<slug:slug>/side/<slug:side>/accept/", views.side_accept_all, name="side_accept_all"),
    path("<slug:slug>/side/<slug:side>/lock/", views.side_lock, name="side_lock"),
    path("<slug:slug>/items/<int:pk>/review/", views.item_review, name="item_review"),
    path("<slug:slug>/records/", record_views.records_page, name="records"),
    path("<slug:slug>/records/confirm/", record_views.confirmation_record, name="confirmation_record"),
    path("<slug:slug>/records/changes/", record_views.change_record, name="change_record"),
    path("<slug:slug>/records/changes/<int:pk>/consult/", record_views.change_consult, name="change_consult"),
    path("<slug:slug>/requests/", record_views.requests_page, name="requests"),
    path("<slug:slug>/requests/new/", record_views.request_new, name="request_new"),
    path("<slug:slug>/requests/<int:pk>/", record_views.request_detail, name="request_detail"),
    path("<slug:slug>/requests/<int:pk>/answer/", record_views.request_answer, name="request_answer"),
    path("<slug:slug>/requests/<int:pk>/decide/", record_views.request_decide, name="request_decide"),
]
