from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import Incident, IncidentEvent


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = IncidentEvent
    extra = 0


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["number", "contract", "kind", "discovered_at", "affected_count", "status"]
    list_filter = ["kind", "status"]
    inlines = [EventInline]
