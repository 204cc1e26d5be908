"""Every edit made in the admin leaves an entry in the audit trail (``AuditedAdminMixin``), and the pages of
people, their rights and their second factors also audit every read (``AuditedReadsMixin``). The entries read
as words through ``audit/admin_actions.py``. Both take the app's bounds (``core.admin.BoundedAdminMixin``)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import transaction

from core.admin import BoundedAdminMixin, ReadOnlyMixin

from .admin_actions import READ_AUDITED
from .services import audit_log

# Whatever form field carries a password shows up in the audit trail as the one model field "password":
# that it changed, never what it became (hash or clear text).
PASSWORD_FIELDS = {"password", "password1", "password2", "usable_password"}


def _pk(value):
    return getattr(value, "pk", value)


def _refs(model, pks) -> list[str]:
    """How the targets of a many-to-many change are named in the entry: a permission by its codename, a
    group by its name, anything else by its id (never a person's name)."""
    if not pks:
        return []
    from django.contrib.auth.models import Group, Permission

    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    return sorted(str(pk) for pk in pks)


def change_summary(form, formsets=None) -> dict:
    """Which fields an admin form changed: names only; for yes/no fields the new value, for links the id
    of the new target, for many-to-many fields what was added and removed. Values of other fields are
    left out, since they may be personal data or a secret (a TOTP key)."""
    fields, values, m2m = set(), {}, {}
    for name in form.changed_data:
        if name in PASSWORD_FIELDS:
            fields.add("password")
            continue
        fields.add(name)
        field = form.fields.get(name)
        new = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if isinstance(field, forms.ModelMultipleChoiceField):
            before = {_pk(v) for v in (form.initial.get(name) or [])}
            after = {_pk(v) for v in (new or [])}
            m2m[name] = {"added": _refs(field.queryset.model, after - before),
                         "removed": _refs(field.queryset.model, before - after)}
        elif isinstance(field, forms.ModelChoiceField):
            values[name] = str(new.pk) if new is not None else None
        elif isinstance(field, forms.BooleanField | forms.NullBooleanField):
            values[name] = new
    summary = {"fields": sorted(fields)}
    if values:
        summary["values"] = values
    if m2m:
        summary["m2m"] = m2m
    inlines = []
    for formset in formsets or []:
        change = {
            "model": formset.model._meta.label_lower,
            "added": [str(obj.pk) for obj in getattr(formset, "new_objects", [])],
            "changed": [{"id": str(obj.pk), "fields": sorted("password" if f in PASSWORD_FIELDS else f for f in names)}
                        for obj, names in getattr(formset, "changed_objects", [])],
            "deleted": [str(obj.pk) for obj in getattr(formset, "deleted_objects", [])],
        }
        if change["added"] or change["changed"] or change["deleted"]:
            inlines.append(change)
    if inlines:
        summary["inlines"] = inlines
    return summary


class AuditedAdminMixin(BoundedAdminMixin):
    """Every add, change and delete made in the Django admin leaves one entry in the audit trail:
    ``admin.<app_label>.<model>.<added|changed|deleted>``, the person, the object and the fields changed.

    The admin describes each change (``construct_change_message``) right before it logs it
    (``log_addition``/``log_change``); that covers the add and change pages, the list's inline edits and
    the user admin's password form. Deletions, one or many, are written in the transaction that deletes,
    so an entry exists exactly when the row is gone.
    """

    def construct_change_message(self, request, form, formsets, add=False):
        request._admin_audit_summary = change_summary(form, formsets)
        return super().construct_change_message(request, form, formsets, add)

    def _audit_saved(self, request, obj, verb):
        summary = getattr(request, "_admin_audit_summary", None) or {"fields": []}
        # What a page did beside saving (the user admin: a notice to the previous address), for the same entry.
        summary.update(getattr(request, "_admin_audit_extra", None) or {})
        request._admin_audit_summary = request._admin_audit_extra = None
        audit_log(action=f"admin.{obj._meta.label_lower}.{verb}", actor=request.user, obj=obj, request=request,
                  payload=summary)

    def log_addition(self, request, obj, message):
        self._audit_saved(request, obj, "added")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit_saved(request, obj, "changed")
        return super().log_change(request, obj, message)

    def _audit_deleted(self, request, obj, together=None):
        payload = {"object": str(obj)[:255]}
        if together:
            payload["deleted_together"] = together
        audit_log(action=f"admin.{obj._meta.label_lower}.deleted", actor=request.user, obj=obj, request=request,
                  payload=payload)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit_deleted(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            objs = list(queryset)
            for obj in objs:
                self._audit_deleted(request, obj, together=len(objs))
            super().delete_queryset(request, queryset)


# Who looked at whom: the admin pages of people, their rights and their second factors write one entry per
# list or page read (``admin.<app_label>.<model>.listed`` / ``.viewed``), as audit/admin_actions.py names them.
READ_METHODS = ("GET", "HEAD")


class AuditedReadsMixin:
    """A list or a page of this model read in the admin (GET) leaves one entry in the audit trail: the
    person, and the object read, or for a list which filters were used (their names, never what was
    searched for, which may be a person's name). An object's change history and the page that asks to
    confirm its deletion show it too, and are audited the same way (``.history_viewed``, ``.delete_viewed``)."""

    def _audit_object_read(self, request, response, object_id, verb: str) -> None:
        if request.method in READ_METHODS and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            audit_log(action=f"admin.{self.model._meta.label_lower}.{verb}", actor=request.user, obj=obj,
                      request=request, payload={})

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method in READ_METHODS and response.status_code == 200:
            audit_log(action=f"admin.{self.model._meta.label_lower}.listed", actor=request.user, request=request,
                      payload={"filters": sorted(set(request.GET))})
        elif self._is_delete_confirmation(request, response):
            # The list's 「削除」 action first shows the chosen rows and what goes with them: one read each.
            for obj in response.context_data["queryset"]:
                audit_log(action=f"admin.{self.model._meta.label_lower}.delete_viewed", actor=request.user,
                          obj=obj, request=request, payload={})
        return response

    @staticmethod
    def _is_delete_confirmation(request, response) -> bool:
        return (request.method == "POST" and request.POST.get("action") == "delete_selected"
                and "post" not in request.POST and response.status_code == 200
                and "queryset" in (getattr(response, "context_data", None) or {}))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_object_read(request, response, object_id, "viewed")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._audit_object_read(request, response, object_id, "history_viewed")
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        self._audit_object_read(request, response, object_id, "delete_viewed")
        return response


def unaudited_reads(site=None) -> list[str]:
    """Admin pages of people, rights and second factors whose reads leave no entry (should be none)."""
    site = site or admin.site
    return sorted(model._meta.label_lower for model, model_admin in site._registry.items()
                  if model._meta.label_lower in READ_AUDITED and not isinstance(model_admin, AuditedReadsMixin))


def unaudited_admins(site=None) -> list[str]:
    """Registered admin pages that could change a row without an audit entry (should be none)."""
    site = site or admin.site
    return sorted(model._meta.label for model, model_admin in site._registry.items()
                  if not isinstance(model_admin, AuditedAdminMixin | ReadOnlyMixin))
