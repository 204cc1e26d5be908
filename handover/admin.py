from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin
from core.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import Handover, HandoverLine, Item, MediumKind, StorageCheck, StorageRecord


@admin.register(MediumKind)
class MediumKindAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The ward adds kinds of media here (CD-R and DVD-R come with the app)."""

    list_display = ["name", "sort_order"]


class LineInline(ReadOnlyMixin, admin.TabularInline):
    model = HandoverLine
    extra = 0


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["label", "category", "contract", "state", "holder", "last_checked_at"]
    list_filter = ["category", "state"]
    search_fields = ["label"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["number", "contract", "direction", "handed_at", "giver", "recipient", "status"]
    list_filter = ["direction", "status"]
    inlines = [LineInline]


@admin.register(StorageRecord)
class StorageRecordAdmin(ReadOnlyAdmin):
    list_display = ["item", "place", "location", "recorded_at", "recorded_by"]


@admin.register(StorageCheck)
class StorageCheckAdmin(ReadOnlyAdmin):
    list_display = ["item", "checked_at", "checked_by"]
