from django.urls import path

from . import analysis_views, views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log_page, name="log"),
    path("export.xlsx", views.audit_log_export, name="export"),
    path("downloads/", views.downloads_page, name="downloads"),
    path("downloads.xlsx", views.downloads_export, name="downloads_export"),
    path("verify/", views.audit_verify, name="verify"),
    path("analysis/", analysis_views.analysis_index, name="analysis"),
    path("analysis/<int:year>/<int:month>/", analysis_views.analysis_month, name="analysis_month"),
    path("analysis/<int:year>/<int:month>/record/", analysis_views.analysis_record, name="analysis_record"),
]
