from django.contrib import admin

from audit.services import audit_log


class AuditedAdminMixin:
    """Master data edited in the Django admin leaves an entry in the audit trail too."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log(action=f"admin.{obj._meta.label_lower}.{'changed' if change else 'added'}", actor=request.user,
                  obj=obj, request=request, payload={"fields": sorted(form.changed_data)})

    def delete_model(self, request, obj):
        label, pk, text = obj._meta.label_lower, obj.pk, str(obj)
        super().delete_model(request, obj)
        audit_log(action=f"admin.{label}.deleted", actor=request.user, request=request,
                  payload={"id": pk, "object": text})


class ReadOnlyMixin:
    """Shown in the admin, never changed there: these rows change only through the app's services,
    which enforce the seed's rules, keep permissions in step and write the audit trail."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass
