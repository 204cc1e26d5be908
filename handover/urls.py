from django.urls import path

from . import closing_views, views

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
    path("<slug:slug>/copies/", closing_views.copy_register_page, name="copies"),
    path("<slug:slug>/copies/new/", closing_views.copy_create, name="copy_create"),
    path("<slug:slug>/deletion/", closing_views.deletion_list, name="deletion"),
    path("<slug:slug>/deletion/new/", closing_views.deletion_create, name="deletion_create"),
    path("<slug:slug>/deletion/<int:pk>/", closing_views.deletion_detail, name="deletion_detail"),
    path("<slug:slug>/deletion/<int:pk>/lines/new/", closing_views.deletion_line_add, name="deletion_line_add"),
    path("<slug:slug>/deletion/<int:pk>/lines/<int:line_pk>/", closing_views.deletion_line, name="deletion_line"),
    path("<slug:slug>/deletion/<int:pk>/lines/<int:line_pk>/remove/", closing_views.deletion_line_remove,
         name="deletion_line_remove"),
    path("<slug:slug>/deletion/<int:pk>/submit/", closing_views.deletion_submit, name="deletion_submit"),
    path("<slug:slug>/deletion/<int:pk>/decide/", closing_views.deletion_decide, name="deletion_decide"),
    path("<slug:slug>/deletion/<int:pk>/deletion-report.pdf", closing_views.deletion_pdf, name="deletion_pdf"),
    path("<slug:slug>/ledger/", views.ledger, name="ledger"),
    path("<slug:slug>/ledger.<str:fmt>", views.ledger_export, name="ledger_export"),
]
