from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from core.admin import AuditedAdminMixin, ReadOnlyAdmin, ReadOnlyMixin

from .models import Contract, ContractStep, Designation, Membership, Organisation, UserProfile


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "emergency_contact_name", "emergency_contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(UserProfile)
class UserProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "user", "organisation"]
    list_filter = ["organisation"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    pass


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = ContractStep
    extra = 0


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    """Contracts are created and changed on the app's own pages, through the audited services."""

    list_display = ["title", "fiscal_year", "contractor", "status"]
    list_filter = ["fiscal_year", "status"]
    search_fields = ["title", "slug"]
    inlines = [StepInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["contract", "user", "role", "granted_at", "revoked_at"]
    list_filter = ["role"]


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["contract", "user", "kind", "status", "reported_at", "decided_at"]
    list_filter = ["kind", "status"]
