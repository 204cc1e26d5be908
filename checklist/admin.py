"""The admin shows the checklists; every change goes through the services (plan, attestation, review,
template versions), which keep the history and the audit trail."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import Checklist, ChecklistEvent, ChecklistItem, ChecklistSide, ChecklistTemplate, TemplateItem


class TemplateItemInline(ReadOnlyMixin, admin.TabularInline):
    model = TemplateItem
    fields = ["position", "key", "text", "backing"]
    readonly_fields = fields
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ReadOnlyAdmin):
    list_display = ["contract_type", "version", "title", "status", "published_at", "change_note"]
    list_filter = ["contract_type", "status"]
    inlines = [TemplateItemInline]


class ChecklistSideInline(ReadOnlyMixin, admin.TabularInline):
    model = ChecklistSide
    fields = ["side", "status", "submitted_at", "locked_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ["contract", "template", "plan_status", "plan_revision", "plan_finalised_at"]
    list_filter = ["plan_status"]
    inlines = [ChecklistSideInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ["checklist", "template_item", "mark", "attestation", "review", "flagged"]
    list_filter = ["mark", "attestation", "review", "flagged"]


@admin.register(ChecklistEvent)
class ChecklistEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "checklist", "kind", "side", "actor"]
    list_filter = ["kind", "side"]
