from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("", views.register_list, name="list"),
    path("export.xlsx", views.register_export, name="export"),
    path("contractors/<int:pk>/", views.contractor_detail, name="contractor"),
]
