from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("<slug:slug>/", views.incident_list, name="list"),
    path("<slug:slug>/new/", views.incident_report, name="report"),
    path("<slug:slug>/<int:pk>/", views.incident_detail, name="detail"),
    path("<slug:slug>/<int:pk>/events/", views.incident_event_add, name="event_add"),
    path("<slug:slug>/<int:pk>/revise/", views.incident_revise, name="revise"),
    path("<slug:slug>/<int:pk>/close/", views.incident_close, name="close"),
]
