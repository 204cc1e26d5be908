from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from core.admin import AuditedAdminMixin, ReadOnlyAdmin, ReadOnlyMixin

from .models import Contract, ContractStep, Designation, Membership, Organisation, UserProfile
from .roles import GROUP_PERMISSIONS


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


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(AuditedAdminMixin, GroupAdmin):
    """The role groups the code defines (roles.GROUP_PERMISSIONS) are shown, never changed or deleted
    here: what a role may do is decided in code, so one edit cannot, say, let auditors create contracts.
    Putting people into a role stays an edit of the person (audited)."""

    def _is_role(self, obj) -> bool:
        return obj is not None and obj.name in GROUP_PERMISSIONS

    def has_change_permission(self, request, obj=None):
        return not self._is_role(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_role(obj) and super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action asks has_delete_permission per row already; this holds even if it did not.
        super().delete_queryset(request, queryset.exclude(name__in=GROUP_PERMISSIONS))


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
