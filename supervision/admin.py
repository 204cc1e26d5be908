from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import Finding, Inspection, InspectionResult


class ResultInline(ReadOnlyMixin, admin.TabularInline):
    model = InspectionResult
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["number", "contract", "fiscal_year", "planned_on", "held_on", "method", "status"]
    list_filter = ["method", "status"]
    inlines = [ResultInline]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["number", "contract", "inspection", "item_key", "due_on", "status"]
    list_filter = ["status"]
