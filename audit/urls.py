from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log_page, name="log"),
    path("export.xlsx", views.audit_log_export, name="export"),
    path("downloads/", views.downloads_page, name="downloads"),
    path("downloads.xlsx", views.downloads_export, name="downloads_export"),
    path("verify/", views.audit_verify, name="verify"),
]
