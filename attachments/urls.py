from django.urls import path

from . import views

app_name = "attachments"
urlpatterns = [
    path("<int:content_type_id>/<int:object_id>/upload/", views.upload, name="upload"),
    path("<int:pk>/", views.download, name="download"),
    path("contract/<slug:slug>/records/", views.contract_records, name="contract_records"),
]
