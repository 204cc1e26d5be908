from django.urls import path

from . import views

app_name = "checklist"
urlpatterns = [
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
]
