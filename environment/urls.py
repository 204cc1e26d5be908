from django.urls import path

from . import views

app_name = "environment"
urlpatterns = [
    path("contract/<slug:slug>/", views.contract_environment, name="contract"),
    path("contract/<slug:slug>/start/", views.contract_start, name="start"),
    path("ward/", views.ward, name="ward"),
    path("ward/start/", views.ward_start, name="ward_start"),
    path("<int:pk>/", views.profile_detail, name="profile"),
    path("<int:pk>/edit/", views.profile_edit, name="edit"),
    path("<int:pk>/submit/", views.profile_submit, name="submit"),
    path("<int:pk>/decide/", views.profile_decide, name="decide"),
    path("<int:pk>/revise/", views.profile_revise, name="revise"),
    path("<int:pk>/certificates/new/", views.certificate_add, name="certificate_add"),
    path("<int:pk>/reports/new/", views.report_add, name="report_add"),
]
