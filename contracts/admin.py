from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm, UsernameField
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import address_change_notify, enrolment_link_issue
from audit.admin_mixins import AuditedAdminMixin, AuditedReadsMixin
from core.admin import ReadOnlyAdmin, ReadOnlyMixin
from core.errors import DomainError

from .models import (
    Contract,
    ContractStep,
    Designation,
    Membership,
    Organisation,
    SubcontractingDeclaration,
    Subcontractor,
    UserProfile,
)
from .roles import GROUP_PERMISSIONS


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "emergency_contact_name", "emergency_contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(UserProfile)
class UserProfileAdmin(AuditedReadsMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "user", "organisation"]
    list_filter = ["organisation"]


admin.site.unregister(get_user_model())


class PersonCreationForm(forms.ModelForm):
    """A new account with no password anyone knows: the person sets theirs, and their authenticator,
    through the enrolment link the admin sends next (the action 「利用開始の案内を送る」)."""

    class Meta:
        model = get_user_model()
        fields = ("username", "email")
        field_classes = {"username": UsernameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("利用開始の案内（パスワードと二要素認証を設定するリンク）をこのアドレスに送ります。")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class PersonChangeForm(UserChangeForm):
    # Not even the password hash's summary with its link to a form that would set one.
    password = None


@admin.register(get_user_model())
class AuditedUserAdmin(AuditedReadsMixin, AuditedAdminMixin, UserAdmin):
    """People in the admin: nobody sets another person's password or second factor here, so nobody can
    sign in as someone else and act under their name. A person gets an enrolment link instead (an action
    of the list, audited) and sets both themselves; the admin changes its own password on the app's page."""

    add_form = PersonCreationForm
    add_form_template = None
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email")}),)
    form = PersonChangeForm
    fieldsets = ((None, {"fields": ("username",)}), *UserAdmin.fieldsets[1:])
    actions = ["send_enrolment_link"]

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        # Another person's address changed here is announced to the previous one, and for a while no
        # enrolment link goes to the new one (accounts.services, ADDRESS_CHANGE_HOLD): no silent takeover.
        if change and "email" in form.changed_data and address_change_notify(
                user=obj, previous=form.initial.get("email") or "", actor=request.user):
            request._admin_audit_extra = {"previous_address_notified": True}
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:  # the notice could not be sent: nothing was saved
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=gettext_lazy("利用開始の案内（パスワードと二要素認証を本人が設定するリンク）を送る"))
    def send_enrolment_link(self, request, queryset):
        sent = 0
        for user in queryset.order_by("pk"):
            try:
                enrolment_link_issue(user=user, actor=request.user, request=request)
            except DomainError as error:
                self.message_user(request, f"{user.get_username()}: {error.message}", messages.ERROR)
            else:
                sent += 1
        if sent:
            self.message_user(request, _("%(n)s人に利用開始の案内を送りました。") % {"n": sent}, messages.SUCCESS)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(AuditedReadsMixin, AuditedAdminMixin, GroupAdmin):
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
class MembershipAdmin(AuditedReadsMixin, ReadOnlyAdmin):
    list_display = ["contract", "user", "role", "granted_at", "revoked_at"]
    list_filter = ["role"]


@admin.register(Designation)
class DesignationAdmin(AuditedReadsMixin, ReadOnlyAdmin):
    list_display = ["contract", "user", "kind", "status", "reported_at", "decided_at"]
    list_filter = ["kind", "status"]


@admin.register(SubcontractingDeclaration)
class SubcontractingDeclarationAdmin(ReadOnlyAdmin):
    """Declared and withdrawn on the contract's subcontracting page, through the audited services."""

    list_display = ["contract", "declared_on", "withdrawn_at"]


@admin.register(Subcontractor)
class SubcontractorAdmin(ReadOnlyAdmin):
    """Applied for and decided on the contract's subcontracting pages, through the audited services."""

    list_display = ["contract", "name", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
