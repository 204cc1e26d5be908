from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("<slug:slug>/inspections/", views.inspection_list, name="list"),
    path("<slug:slug>/inspections/plan/", views.inspection_plan, name="plan"),
    path("<slug:slug>/inspections/<int:pk>/", views.inspection_detail, name="detail"),
    path("<slug:slug>/inspections/<int:pk>/record/", views.inspection_record, name="record"),
    path("<slug:slug>/inspections/<int:pk>/replan/", views.inspection_replan, name="replan"),
    path("<slug:slug>/inspections/<int:pk>/cancel/", views.inspection_cancel, name="cancel"),
    path("<slug:slug>/inspections/<int:pk>/results/", views.result_record, name="result"),
    path("<slug:slug>/inspections/<int:pk>/findings/", views.finding_raise, name="finding_raise"),
    path("<slug:slug>/inspections/<int:pk>/pdf/", views.inspection_pdf, name="pdf"),
    path("<slug:slug>/inspections/<int:pk>/findings/<int:number>/", views.finding_detail, name="finding"),
    path("<slug:slug>/inspections/<int:pk>/findings/<int:number>/respond/", views.finding_respond,
         name="finding_respond"),
    path("<slug:slug>/inspections/<int:pk>/findings/<int:number>/decide/", views.finding_decide,
         name="finding_decide"),
]
