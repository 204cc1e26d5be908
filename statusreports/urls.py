from django.urls import path

from . import views

app_name = "statusreports"
urlpatterns = [
    path("<slug:slug>/", views.report_list, name="list"),
    path("<slug:slug>/schedule/", views.schedule_set, name="schedule"),
    path("<slug:slug>/request/", views.report_request, name="request"),
    path("<slug:slug>/<int:pk>/", views.report_detail, name="detail"),
    path("<slug:slug>/<int:pk>/submit/", views.report_submit, name="submit"),
    path("<slug:slug>/<int:pk>/decide/", views.report_decide, name="decide"),
    path("<slug:slug>/structure/", views.structure_list, name="structure_list"),
    path("<slug:slug>/structure/new/", views.structure_new, name="structure_new"),
    path("<slug:slug>/structure/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("<slug:slug>/structure/<int:pk>/submit/", views.structure_submit, name="structure_submit"),
    path("<slug:slug>/structure/<int:pk>/decide/", views.structure_decide, name="structure_decide"),
]
