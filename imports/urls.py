from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("template/<str:kind>.<str:fmt>", views.template, name="template"),
    path("preview/<str:digest>/", views.preview, name="preview"),
]
