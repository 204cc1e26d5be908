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
