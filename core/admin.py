"""What the admin's pages accept and what they never change. Every admin page takes the app's bounds
(``BoundedAdminMixin``): no value typed into an admin page or its address is a 500. Rows shown but never
changed there use ``ReadOnlyMixin``. How an edit in the admin is audited is the audit trail's
(``audit/admin_mixins.py``)."""

import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeListSearchForm
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core import bounds

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
