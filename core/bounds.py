"""Bounds a ward would recognise for every date, year, number and text the app accepts.

One place decides them, and both sides ask it: forms (``BoundedFormMixin``, one line per form) refuse
an out-of-range value next to its field with a Japanese message, and services (``check_values``)
refuse the same value with the same message as a :class:`~core.errors.DomainError`, so a page never
offers what the service refuses and a script calling the service cannot store what the page refuses.

- Dates and times: from 平成元年1月8日 (1989-01-08) to 2100-12-31. The app prints dates in the
  Japanese eras (core.dates); nothing this app records happened before 平成 (personal-information
  outsourcing records are kept for years, not decades), and a year like 0226 or 9999 is a typing
  slip. The window also keeps every date far from the calendar's ends, so date arithmetic and time
  zones (a day's end in Tokyo, the next fiscal year) never overflow.
- A fiscal year (any integer field named ``fiscal_year``): 1989 to 2099, so that its first and last
  days (1 April to 31 March) lie inside the date window.
- Other integers: the range of their database column on PostgreSQL (the stricter of the two databases
  the app runs on), whatever the database in use.
- Texts: a model field's ``max_length``; a ``TextField`` (no length in the database) up to
  ``LONG_TEXT_MAX`` characters, about an A4 page of Japanese; no NUL character (PostgreSQL refuses it).
- Uploaded files: ``settings.UPLOAD_MAX_FILE_SIZE`` bytes.
"""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError

DATE_MIN = dt.date(1989, 1, 8)  # 平成元年1月8日
DATE_MAX = dt.date(2100, 12, 31)
FISCAL_YEAR_MIN = 1989
FISCAL_YEAR_MAX = 2099
YEAR_FIELD_NAMES = frozenset({"fiscal_year"})
LONG_TEXT_MAX = 2000
INTEGER_MIN, INTEGER_MAX = BaseDatabaseOperations.integer_field_ranges["IntegerField"]
COLUMN_RANGES = BaseDatabaseOperations.integer_field_ranges


@dataclass(frozen=True)
class Bound:
    """What one field accepts. ``kind`` is "date", "datetime", "int", "year", "text" or "file"."""

    kind: str
    low: object = None
    high: object = None


DATE = Bound("date", DATE_MIN, DATE_MAX)
DATETIME = Bound("datetime", DATE_MIN, DATE_MAX)
YEAR = Bound("year", FISCAL_YEAR_MIN, FISCAL_YEAR_MAX)
INTEGER = Bound("int", INTEGER_MIN, INTEGER_MAX)


def text(max_length: int | None) -> Bound:
    return Bound("text", 0, max_length or LONG_TEXT_MAX)


def _day(value: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}


def _local_date(value: dt.datetime) -> dt.date:
    if timezone.is_aware(value):
        try:
            return timezone.localtime(value).date()
        except (OverflowError, ValueError):
            pass  # the calendar's ends: outside the window anyway
    return value.date()


def problem(bound: Bound, value) -> str | None:
    """The Japanese message refusing ``value``, or None when it is within ``bound`` (or empty)."""
    if value is None or value == "":
        return None
    if bound.kind in ("date", "datetime"):
        day = _local_date(value) if isinstance(value, dt.datetime) else value
        if not bound.low <= day <= bound.high:
            what = _("日時") if bound.kind == "datetime" else _("日付")
            return _("%(low)sから%(high)sまでの%(what)sを入力してください。") % {
                "low": _day(bound.low), "high": _day(bound.high), "what": what}
    elif bound.kind == "year":
        from .dates import fiscal_year_label

        if not bound.low <= value <= bound.high:
            return _("年度は%(low)s年度（%(low_era)s）から%(high)s年度（%(high_era)s）までの範囲で入力してください。") % {
                "low": bound.low, "high": bound.high,
                "low_era": fiscal_year_label(bound.low), "high_era": fiscal_year_label(bound.high)}
    elif bound.kind == "int":
        if not bound.low <= value <= bound.high:
            return _("%(low)sから%(high)sまでの数を入力してください。") % {
                "low": f"{bound.low:,}", "high": f"{bound.high:,}"}
    elif bound.kind == "text":
        value = str(value)
        if len(value) > bound.high:
            return _("%(limit)s文字以内で入力してください（いま%(count)s文字です）。") % {
                "limit": f"{bound.high:,}", "count": f"{len(value):,}"}
        if "\x00" in value:
            return _("使えない文字（NUL）が含まれています。")
    elif bound.kind == "file":
        size = getattr(value, "size", 0) or 0
        if size > bound.high:
            return _("ファイルが大きすぎます（%(size)s）。%(limit)s以下のファイルにしてください。") % {
                "size": file_size_text(size), "limit": file_size_text(bound.high)}
    return None


def file_size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n)s MB") % {"n": f"{size / (1024 * 1024):,.1f}".removesuffix(".0")}
    return _("%(n)s KB") % {"n": f"{max(size, 1) / 1024:,.0f}"}


# --- bounds of model fields (services) -----------------------------------------------------------


def model_field_bound(field: models.Field) -> Bound | None:
    if field.name in YEAR_FIELD_NAMES and isinstance(field, models.IntegerField):
        return YEAR
    if isinstance(field, models.DateTimeField):
        return DATETIME
    if isinstance(field, models.DateField):
        return DATE
    if isinstance(field, (models.IntegerField, models.AutoField)) and not field.is_relation:
        low, high = COLUMN_RANGES.get(field.get_internal_type(), (INTEGER_MIN, INTEGER_MAX))
        return Bound("int", low, high)
    if isinstance(field, models.FileField):
        return Bound("file", 0, settings.UPLOAD_MAX_FILE_SIZE)
    if isinstance(field, (models.CharField, models.TextField)):
        return text(field.max_length)
    return None


def check_value(model, name: str, value, *, field: str | None = None) -> None:
    """Refuse ``value`` for ``model.name`` when out of bounds; the error names the form ``field``."""
    bound = model_field_bound(model._meta.get_field(name))
    message = problem(bound, value) if bound else None
    if message:
        raise DomainError(message, field=field or name, code="out_of_bounds")


def check_values(model, /, **values) -> None:
    """``check_values(Item, label=label, record_count=record_count)``: each value against its column.

    A fiscal year is checked first: a year out of range is what makes its dates out of range too."""
    for name, value in sorted(values.items(), key=lambda pair: pair[0] not in YEAR_FIELD_NAMES):
        check_value(model, name, value)


# --- forms ---------------------------------------------------------------------------------------


class _BoundValidator:
    def __init__(self, bound: Bound):
        self.bound = bound

    def __call__(self, value):
        message = problem(self.bound, value)
        if message:
            raise ValidationError(message, code="out_of_bounds")

    def __eq__(self, other):
        return isinstance(other, _BoundValidator) and other.bound == self.bound


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _form_field_bound(name: str, field: forms.Field, model_field) -> Bound | None:
    column = model_field_bound(model_field) if model_field is not None and not model_field.is_relation else None
    if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
        return DATETIME
    if isinstance(field, forms.DateField):
        return DATE
    if isinstance(field, forms.IntegerField) and not isinstance(field, (forms.FloatField, forms.DecimalField)):
        if name in YEAR_FIELD_NAMES:
            return YEAR
        return column if column is not None and column.kind == "int" else INTEGER
    if isinstance(field, forms.FileField):
        return Bound("file", 0, settings.UPLOAD_MAX_FILE_SIZE)
    if isinstance(field, forms.CharField):
        # A form may be stricter than its column, never looser.
        limits = [n for n in (field.max_length, column.high if column is not None and column.kind == "text" else None)
                  if n]
        return text(min(limits) if limits else None)
    return None


def _guard_object_choice(field: forms.ModelChoiceField) -> None:
    """A choice of objects refuses a key outside its column before the database sees it: Django looks
    several keys up with ``pk__in``, which has no guard against an integer the column cannot hold."""
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    bound = model_field_bound(key)
    if bound is None or bound.kind != "int":
        return
    clean = field.clean

    def guarded(value):
        for item in value if isinstance(value, (list, tuple)) else [value]:
            key_text = str(item).strip()
            if not key_text.lstrip("+-").isdigit():
                continue
            try:
                number = int(key_text)
            except ValueError:  # 「፩」 is a digit to isdigit() but not to int(); so are 4,300 digits and more
                number = None
            if number is None or not bound.low <= number <= bound.high:
                raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": key_text})
        return clean(value)

    field.clean = guarded


def bound_form_fields(form) -> None:
    """Give each field of ``form`` its bound: a validator with the Japanese message, and the limits a
    browser understands (``min``/``max`` on date and number inputs). Safe to call more than once."""
    model = getattr(form, "bounds_model", None) or getattr(getattr(form, "_meta", None), "model", None)
    for name, field in form.fields.items():
        if getattr(field, "_bounded", False):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.queryset is not None:  # many forms set it in __init__, after this first call
                field._bounded = True
                _guard_object_choice(field)
            continue
        field._bounded = True
        bound = _form_field_bound(name, field, _model_field(model, name))
        if bound is None:
            continue
        attrs = field.widget.attrs
        if bound.kind == "text":
            # Our message, with the count, replaces Django's; no maxlength on the widget for a long text
            # that had none, so a pasted text that is too long stays in the box to be shortened.
            field.validators = [v for v in field.validators if not isinstance(v, validators.MaxLengthValidator)]
            field.max_length = bound.high
        elif bound.kind in ("int", "year"):
            low = bound.low if field.min_value is None else max(field.min_value, bound.low)
            high = bound.high if field.max_value is None else min(field.max_value, bound.high)
            bound = Bound(bound.kind, low, high)
            field.min_value, field.max_value = low, high
            field.validators = [v for v in field.validators
                                if not isinstance(v, (validators.MinValueValidator, validators.MaxValueValidator))]
            if isinstance(field.widget, forms.NumberInput):
                attrs.update(min=str(low), max=str(high))
        elif bound.kind == "date" and getattr(field.widget, "input_type", "") == "date":
            attrs.update(min=bound.low.isoformat(), max=bound.high.isoformat())
        elif bound.kind == "datetime" and getattr(field.widget, "input_type", "") == "datetime-local":
            attrs.update(min=f"{bound.low.isoformat()}T00:00", max=f"{bound.high.isoformat()}T23:59")
        field.validators.append(_BoundValidator(bound))


class BoundedFormMixin:
    """``class ItemForm(BoundedFormMixin, forms.Form)``: every field gets its bound (see the module).

    A plain form may name ``bounds_model`` so that its fields take the bounds of the model's columns of
    the same name, exactly as the service checks them. Fields added in ``__init__`` after ``super()``
    are bounded too, when the form is cleaned.
    """

    bounds_model = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_fields(self)

    def full_clean(self):
        bound_form_fields(self)
        super().full_clean()
