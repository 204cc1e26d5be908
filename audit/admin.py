from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "actor_label", "action", "contract", "object_repr"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_repr"]
