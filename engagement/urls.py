from django.urls import path

from . import views

app_name = "engagement"
# Mounted under /contracts/<slug>/survey/ (config/urls.py): everything here belongs to one contract.
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("uploads/<int:pk>/mapping/", views.mapping, name="mapping"),
    path("uploads/<int:pk>/risk/", views.risk, name="risk"),
    path("uploads/<int:pk>/free-text/", views.review, name="review"),
    path("uploads/<int:pk>/build/", views.build, name="build"),
    path("uploads/<int:pk>/discard/", views.discard, name="discard"),
    path("uploads/<int:pk>/swap/", views.swap, name="swap"),
    path("packages/<int:pk>/", views.package, name="package"),
    path("packages/<int:pk>/download/", views.package_download, name="package_download"),
    path("packages/<int:pk>/notice/", views.notice_print, name="notice_print"),
]
