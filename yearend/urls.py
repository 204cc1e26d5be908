"""The year's end, at the paths it had under ``contracts/`` and ``handover/`` (included at the root)."""

from django.urls import path

from . import deletion_views, views

app_name = "yearend"
urlpatterns = [
    path("contracts/<slug:slug>/council-submission.pdf", views.council_submission, name="council_submission"),
    path("contracts/<slug:slug>/report/", views.report_page, name="report"),
    path("contracts/<slug:slug>/report/submit/", views.report_submit, name="report_submit"),
    path("contracts/<slug:slug>/report/<int:pk>/decide/", views.report_decide, name="report_decide"),
    path("contracts/<slug:slug>/report/<int:pk>/report.pdf", views.report_file, name="report_file"),
    path("contracts/<slug:slug>/measures/", views.measure_create, name="measure_create"),
    path("contracts/<slug:slug>/close/", views.close, name="close"),
    path("contracts/<slug:slug>/reopen/", views.reopen, name="reopen"),
    path("handover/<slug:slug>/copies/", deletion_views.copy_register_page, name="copies"),
    path("handover/<slug:slug>/copies/new/", deletion_views.copy_create, name="copy_create"),
    path("handover/<slug:slug>/copies.xlsx", deletion_views.copy_register_export, name="copies_export"),
    path("handover/<slug:slug>/deletion/", deletion_views.deletion_list, name="deletion"),
    path("handover/<slug:slug>/deletion/new/", deletion_views.deletion_create, name="deletion_create"),
    path("handover/<slug:slug>/deletion/<int:pk>/", deletion_views.deletion_detail, name="deletion_detail"),
    path("handover/<slug:slug>/deletion/<int:pk>/lines/new/", deletion_views.deletion_line_add, name="deletion_line_add"),
    path("handover/<slug:slug>/deletion/<int:pk>/lines/<int:line_pk>/", deletion_views.deletion_line, name="deletion_line"),
    path("handover/<slug:slug>/deletion/<int:pk>/lines/<int:line_pk>/remove/", deletion_views.deletion_line_remove,
         name="deletion_line_remove"),
    path("handover/<slug:slug>/deletion/<int:pk>/submit/", deletion_views.deletion_submit, name="deletion_submit"),
    path("handover/<slug:slug>/deletion/<int:pk>/decide/", deletion_views.deletion_decide, name="deletion_decide"),
    path("handover/<slug:slug>/deletion/<int:pk>/deletion-report.pdf", deletion_views.deletion_pdf, name="deletion_pdf"),
]
