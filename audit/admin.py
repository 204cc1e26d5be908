from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin import ReadOnlyAdmin

from .admin_mixins import AuditedAdminMixin, AuditedReadsMixin
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "actor_label", "action", "contract", "object_repr"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_repr"]


# The admin pages other packages bring are audited like our own: a second factor added for someone, a
# lockout lifted or a sign-in record deleted each leave an entry (never the TOTP key itself).
for model in (TOTPDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(AuditedReadsMixin, AuditedAdminMixin, TOTPDeviceAdmin):
    """A person's second factors are shown and may be deleted (a lost phone) or renamed; never added here,
    never given a key the admin chose, never moved to another person: whoever knew the key could sign in
    as that person. The person sets up their own through an enrolment link (people: 利用開始の案内を送る)."""

    EDITABLE = ("name",)

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        shown = [name for _title, fieldset in self.get_fieldsets(request, obj) for name in fieldset["fields"]]
        return [name for name in shown if name not in self.EDITABLE]


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AuditedAdminMixin, AccessAttemptAdmin):
    # axes' "clean up expired attempts" deletes rows past the admin's delete path, unaudited; expired
    # attempts lock nobody out, and each lockout can still be lifted (deleted, audited) one by one.
    actions = []


@admin.register(AccessLog)
class AuditedAccessLogAdmin(AuditedAdminMixin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AuditedAccessFailureLogAdmin(AuditedAdminMixin, AccessFailureLogAdmin):
    pass
