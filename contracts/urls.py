from django.urls import path

from . import subcontracting_views, views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_create, name="create"),
    path("<slug:slug>/", views.contract_detail, name="detail"),
    path("<slug:slug>/edit/", views.contract_edit, name="edit"),
    path("<slug:slug>/copy/", views.contract_copy, name="copy"),
    path("<slug:slug>/start/", views.contract_start, name="start"),
    path("<slug:slug>/steps/<int:step>/complete/", views.step_complete, name="step_complete"),
    path("<slug:slug>/steps/<int:step>/reopen/", views.step_reopen, name="step_reopen"),
    path("<slug:slug>/members/", views.membership_grant, name="member_grant"),
    path("<slug:slug>/members/<int:pk>/revoke/", views.membership_revoke, name="member_revoke"),
    path("<slug:slug>/designations/", views.designations, name="designations"),
    path("<slug:slug>/designations/report/", views.designation_report, name="designation_report"),
    path("<slug:slug>/designations/report-new-person/", views.designation_report_new_person,
         name="designation_report_new_person"),
    path("<slug:slug>/designations/<int:pk>/approve/", views.designation_approve, name="designation_approve"),
    path("<slug:slug>/designations/<int:pk>/reject/", views.designation_reject, name="designation_reject"),
    path("<slug:slug>/designations/<int:pk>/revoke/", views.designation_revoke, name="designation_revoke"),
    path("<slug:slug>/designations/<int:pk>/resend-enrolment/", views.designation_resend_enrolment,
         name="designation_resend_enrolment"),
    path("<slug:slug>/subcontracting/", subcontracting_views.subcontracting, name="subcontracting"),
    path("<slug:slug>/subcontracting/declare/", subcontracting_views.subcontracting_declare,
         name="subcontracting_declare"),
    path("<slug:slug>/subcontracting/new/", subcontracting_views.subcontractor_new, name="subcontractor_new"),
    path("<slug:slug>/subcontracting/<int:pk>/", subcontracting_views.subcontractor_detail, name="subcontractor"),
    path("<slug:slug>/subcontracting/<int:pk>/edit/", subcontracting_views.subcontractor_edit,
         name="subcontractor_edit"),
    path("<slug:slug>/subcontracting/<int:pk>/submit/", subcontracting_views.subcontractor_submit,
         name="subcontractor_submit"),
    path("<slug:slug>/subcontracting/<int:pk>/decide/", subcontracting_views.subcontractor_decide,
         name="subcontractor_decide"),
]
