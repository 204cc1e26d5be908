from django.urls import path

from . import views

app_name = "handover"
urlpatterns = [
    path("", views.ledger_all, name="ledger_all"),
    path("ledger.<str:fmt>", views.ledger_all_export, name="ledger_all_export"),
    path("<slug:slug>/items/", views.items, name="items"),
    path("<slug:slug>/items/new/", views.item_create, name="item_create"),
    path("<slug:slug>/items/<int:pk>/", views.item_detail, name="item_detail"),
    path("<slug:slug>/items/<int:pk>/storage/", views.storage_record, name="storage_record"),
    path("<slug:slug>/items/<int:pk>/check/", views.storage_check, name="storage_check"),
    path("<slug:slug>/handovers/new/", views.handover_create, name="handover_create"),
    path("<slug:slug>/handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("<slug:slug>/handovers/<int:pk>/acknowledge/", views.handover_acknowledge, name="handover_acknowledge"),
    path("<slug:slug>/handovers/<int:pk>/cancel/", views.handover_cancel, name="handover_cancel"),
    path("<slug:slug>/transfers/", views.transfers, name="transfers"),
    path("<slug:slug>/transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("<slug:slug>/transfers/<int:pk>/acknowledge/", views.transfer_acknowledge, name="transfer_acknowledge"),
    path("<slug:slug>/ledger/", views.ledger, name="ledger"),
    path("<slug:slug>/ledger.<str:fmt>", views.ledger_export, name="ledger_export"),
]
