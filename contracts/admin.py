from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm, UsernameField
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
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
    ScopeGrant,
    SubcontractingDeclaration,
    Subcontractor,
    UserProfile,
)
from .roles import GROUP_PERMISSIONS
from .scopes import label as unit_label
from .services.organisation import check_unit
from .services.scopes import check_holder, check_scope, scope_grant, scope_revoke


class OrganisationForm(forms.ModelForm):
    """A unit of the ward's tree keeps its shape (部 at the top, 課 under a 部, 係 under a 課, no cycle) and has
    a 組織コード; a company (委託事業者・再委託先) stands outside the tree."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "code", "parent", "address", "emergency_contact_name", "emergency_contact_phone",
                  "emergency_contact_email", "emergency_procedure"]

    def clean(self):
        data = super().clean()
        kind, parent = data.get("kind"), data.get("parent")
        if kind in Organisation.WARD_KINDS:
            if not data.get("code"):
                self.add_error("code", _("区の組織には組織コードを入力してください。"))
            try:
                check_unit(unit=self.instance if self.instance.pk else None, kind=kind, parent=parent)
            except DomainError as error:
                raise ValidationError({error.field or None: error.message}) from None
        elif kind and parent is not None:
            self.add_error("parent", _("委託事業者・再委託先には上位組織を指定しません。"))
        return data


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The ward's organisation (部 → 課 → 係, by 組織コード) and the companies it works with."""

    form = OrganisationForm
    list_display = ["name", "code", "kind", "parent", "emergency_contact_name", "emergency_contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Organisation.objects.filter(
                kind__in=(Organisation.Kind.DEPARTMENT, Organisation.Kind.WARD_SECTION)).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopeGrantForm(forms.ModelForm):
    class Meta:
        model = ScopeGrant
        fields = ["user", "role", "unit"]

    def clean(self):
        data = super().clean()
        try:
            if data.get("role"):
                check_scope(data["role"], data.get("unit"))
            if data.get("user"):
                check_holder(data["user"])
        except DomainError as error:
            raise ValidationError({error.field or None: error.message}) from None
        return data


@admin.register(ScopeGrant)
class ScopeGrantAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Roles held on a part of the organisation (担当課 on a 課 or 係; 個人情報保護担当 and 監査 on a 部 or the
    whole ward). Granted and revoked through the audited services; a grant is never edited, it is revoked
    and another granted. Those of the directory follow the person's groups at each sign-in."""

    form = ScopeGrantForm
    list_display = ["user", "role", "unit_label", "source", "granted_at", "revoked_at"]
    list_filter = ["role", "source"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    actions = ["revoke"]

    @admin.display(description=gettext_lazy("範囲（組織）"))
    def unit_label(self, obj):
        return unit_label(obj.unit)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def _audit_saved(self, request, obj, verb):
        # The grant's one entry is the service's (contract.scope.granted); the admin writes no second one.
        request._admin_audit_summary = request._admin_audit_extra = None

    def save_model(self, request, obj, form, change):
        grant = scope_grant(user=obj.user, role=obj.role, unit=obj.unit, actor=request.user, request=request)
        obj.pk, obj.granted_at, obj.granted_by, obj.source = grant.pk, grant.granted_at, grant.granted_by, grant.source
        obj._state.adding = False

    @admin.action(description=gettext_lazy("選択した役割を取り消す"), permissions=["add"])
    def revoke(self, request, queryset):
        done = 0
        for grant in queryset.filter(revoked_at__isnull=True).order_by("pk"):
            scope_revoke(grant=grant, actor=request.user, request=request)
            done += 1
        self.message_user(request, _("%(n)s件の役割を取り消しました。") % {"n": done}, messages.SUCCESS)


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
    fields = ["step_label", "completed_at", "completed_by", "note"]
    readonly_fields = ["step_label"]

    @admin.display(description=gettext_lazy("工程"))
    def step_label(self, obj):
        # The words of the contract's type, not the seed's six for every type.
        return str(obj)


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
