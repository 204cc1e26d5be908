"""Two kinds of admin page: master data the admin may edit, every edit of which leaves an entry in the
audit trail (``AuditedAdminMixin``), and rows shown but never changed there (``ReadOnlyMixin``). The pages
of people, their rights and their second factors also audit every read (``AuditedReadsMixin``). Both kinds
take the app's bounds (``BoundedAdminMixin``): no value typed into an admin page or its address is a 500."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeListSearchForm
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core import bounds
from core.audit_actions import READ_AUDITED

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


# --- bounds: what the admin's lists and forms accept ------------------------------------------------

# The lookups an admin list's filters, date hierarchy and links produce, and the plain comparisons a person
# may type into its address. Anything else (regex, JSON keys, …) is answered with the list again (?e=1).
COMPARISONS = frozenset({"exact", "iexact", "gt", "gte", "lt", "lte"})
LISTS = frozenset({"in", "range"})
TEXT_LOOKUPS = frozenset({"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"})
DATE_PARTS = {"year": (bounds.DATE_MIN.year, bounds.DATE_MAX.year), "iso_year": (bounds.DATE_MIN.year, bounds.DATE_MAX.year),
              "month": (1, 12), "day": (1, 31), "week_day": (1, 7), "iso_week_day": (1, 7), "week": (1, 53),
              "quarter": (1, 4), "hour": (0, 23), "minute": (0, 59), "second": (0, 59)}
ASCII_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")


def _resolve(model, key: str):
    """The model field a lookup key ends on (through links) and the lookups after it, or (None, [])."""
    opts, field, parts = model._meta, None, key.split("__")
    for index, part in enumerate(parts):
        try:
            found = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return field, parts[index:]
        field = found
        if found.is_relation and found.related_model is not None:
            opts = found.related_model._meta
    return field, []


def _compared_field(field):
    """The column a value is compared with: for a link, the key it points at."""
    if not field.is_relation:
        return field
    try:
        return field.target_field
    except (AttributeError, FieldDoesNotExist, FieldError, ValueError):
        return field.related_model._meta.pk


def _integer_fits(value: str, low, high) -> bool:
    value = value.strip()
    return bool(ASCII_INTEGER.fullmatch(value)) and low <= int(value) <= high


def _value_fits(field, value: str) -> bool:
    """Whether ``value`` (text from the address) is one the column could hold, inside the app's bounds."""
    bound = bounds.model_field_bound(field)
    if bound is None:  # a yes/no, an address (an inet column on PostgreSQL), …: what the field itself reads
        try:
            field.run_validators(field.to_python(value))
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        return "\x00" not in value
    if bound.kind in ("int", "year"):
        low, high = bounds.COLUMN_RANGES.get(field.get_internal_type(), (bounds.INTEGER_MIN, bounds.INTEGER_MAX))
        return _integer_fits(value, low, high)
    if bound.kind in ("date", "datetime"):
        try:
            parsed = field.to_python(value)
        except (ValidationError, ValueError, OverflowError):
            return False
        return bounds.problem(bound, parsed) is None
    if bound.kind == "text":
        return bounds.problem(bound, value) is None
    return "\x00" not in value  # a file's name


def lookup_fits(model, key: str, values) -> bool:
    """Whether a list filter ``key=value`` of the address can be asked of the database as it is: a known
    lookup on a field, each value inside the column's range and the app's bounds (a date hierarchy's year
    within the date window). A key that names no field is left to Django (a list filter's own parameter)."""
    field, lookups = _resolve(model, key)
    if field is None:
        return True
    if lookups[-1:] == ["isnull"]:
        return len(lookups) == 1
    last = lookups[-1] if lookups else "exact"
    items = [item for value in values for item in (str(value).split(",") if last in LISTS else [str(value)])]
    items = [item for item in items if item != ""]  # empty: Django's own answer
    transforms = lookups[:-1] if last in COMPARISONS | LISTS | TEXT_LOOKUPS else lookups
    if last in TEXT_LOOKUPS:
        return not transforms and all(bounds.problem(bounds.text(None), item) is None for item in items)
    if not transforms:
        return all(_value_fits(_compared_field(field), item) for item in items)
    if len(transforms) == 1 and isinstance(field, models.DateField):
        if transforms[0] == "date":
            return all(_value_fits(models.DateField(), item) for item in items)
        if transforms[0] in DATE_PARTS:
            low, high = DATE_PARTS[transforms[0]]
            return all(_integer_fits(item, low, high) for item in items)
    return False


class BoundedSearchForm(bounds.BoundedFormMixin, ChangeListSearchForm):
    """The list's search box takes a text like any other (the page's message names what is wrong)."""


class BoundedChangeListMixin:
    search_form_class = BoundedSearchForm

    def get_filters(self, request):
        for key, values in self.get_filters_params().items():
            if not all(self.model_admin.lookup_allowed(key, value, request) for value in values):
                continue  # Django refuses it as a suspicious lookup (400)
            if not lookup_fits(self.model, key, values):
                raise IncorrectLookupParameters(key)  # the key, never the value
        return super().get_filters(request)


_CHANGELISTS = {}


def bounded_form(form_class):
    """``form_class`` with the app's bounds (core.bounds): a key past its column in a choice of objects is
    a field error, not a database error, and texts, numbers and dates keep to what the app accepts."""
    if form_class is None or issubclass(form_class, bounds.BoundedFormMixin):
        return form_class
    return type(form_class)(form_class.__name__, (bounds.BoundedFormMixin, form_class), {})


class BoundedAdminMixin:
    """Every admin page answers any value with a page: a list's filters outside their column or the date
    window are Django's "?e=1" (the list again), a form's are field errors (the app's bounds), and an action
    on a selection holding a key that cannot exist changes nothing."""

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        if base not in _CHANGELISTS:
            _CHANGELISTS[base] = type(f"Bounded{base.__name__}", (BoundedChangeListMixin, base), {})
        return _CHANGELISTS[base]

    def get_form(self, request, obj=None, **kwargs):
        return bounded_form(super().get_form(request, obj, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return bounded_form(super().get_changelist_form(request, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = bounded_form(formset.form)
        return formset

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(not _value_fits(self.model._meta.pk, str(key)) for key in selected):
            self.message_user(request, _("選択された項目の中に、存在しない番号が含まれています。何も変更していません。"),
                              messages.WARNING)
            return None
        return super().response_action(request, queryset)


def unbounded_admins(site=None) -> list[str]:
    """Registered admin pages without the app's bounds (should be none)."""
    site = site or admin.site
    return sorted(model._meta.label for model, model_admin in site._registry.items()
                  if not isinstance(model_admin, BoundedAdminMixin))


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
# list or page read (``admin.<app_label>.<model>.listed`` / ``.viewed``), as core/audit_actions.py names them.
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


class ReadOnlyMixin(BoundedAdminMixin):
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


def unaudited_admins(site=None) -> list[str]:
    """Registered admin pages that could change a row without an audit entry (should be none)."""
    site = site or admin.site
    return sorted(model._meta.label for model, model_admin in site._registry.items()
                  if not isinstance(model_admin, AuditedAdminMixin | ReadOnlyMixin))
