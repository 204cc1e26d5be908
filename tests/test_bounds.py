"""The bounds of core.bounds, and the display filters that must print any date or year without raising."""

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from contracts.forms import ContractForm
from contracts.models import Contract, Designation
from core import bounds, dates
from core.errors import DomainError
from handover.forms import ItemForm, LedgerFilterForm
from handover.models import Handover, Item

UTC = dt.UTC


# --- the display filters never raise -------------------------------------------------------------


def test_wareki_prints_dates_in_the_eras():
    assert dates.wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert dates.wareki(dt.date(2026, 4, 1)) == "令和8年4月1日"
    assert dates.fiscal_year_label(2026) == "令和8年度"


def test_a_date_outside_the_eras_prints_as_its_western_year():
    # A designation reported with valid_from=0226-04-01 made the designations page answer 500 for everyone.
    assert dates.wareki(dt.date(226, 4, 1)) == "0226年4月1日"
    assert dates.wareki(dt.date(1, 1, 1)) == "0001年1月1日"
    assert dates.fiscal_year_label(20260) == "20260年度"
    assert dates.fiscal_year_label(1900) == "1900年度"


@given(st.dates())
def test_wareki_prints_every_date(day):
    text = dates.wareki(day)
    assert text.endswith(f"{day.month}月{day.day}日")


@given(st.datetimes(timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=14)),
                                               dt.timezone(dt.timedelta(hours=-12))])))
def test_wareki_datetime_prints_every_aware_moment(moment):
    # The calendar's first and last days cannot be moved to Tokyo time; they print as stored.
    assert "日 " in dates.wareki_datetime(moment)


@given(st.one_of(st.integers(), st.none(), st.text(max_size=20), st.dates()))
def test_the_fiscal_year_filter_never_raises(value):
    rendered = Template("{% load jp %}{{ value|fiscal_year }}").render(Context({"value": value}))
    assert rendered == "" or rendered.endswith("年度")


@given(st.one_of(st.dates(), st.datetimes(timezones=st.just(UTC)), st.none(), st.text(max_size=20)))
def test_the_wareki_filters_never_raise(value):
    Template("{% load jp %}{{ value|wareki }} {{ value|wareki_datetime }}").render(Context({"value": value}))


# --- one bound for the form and the service -------------------------------------------------------


@pytest.mark.parametrize("year", [20260, 1900, 10000, 32767, 0, 1988, 2100])
def test_the_service_refuses_a_fiscal_year_outside_the_window(year):
    with pytest.raises(DomainError) as refused:
        bounds.check_values(Contract, fiscal_year=year)
    assert refused.value.field == "fiscal_year"
    assert "1989年度（平成元年度）から2099年度（令和81年度）まで" in refused.value.message


@pytest.mark.parametrize("year", [1989, 2026, 2099])
def test_the_service_accepts_a_fiscal_year_inside_the_window(year):
    bounds.check_values(Contract, fiscal_year=year)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(226, 4, 1), dt.date(1989, 1, 7), dt.date(2101, 1, 1),
                                 dt.date(9999, 12, 31)])
def test_the_service_refuses_a_date_outside_the_window(day):
    with pytest.raises(DomainError) as refused:
        bounds.check_values(Designation, valid_from=day)
    assert refused.value.field == "valid_from"
    assert refused.value.message == "1989年1月8日から2100年12月31日までの日付を入力してください。"


def test_the_service_refuses_a_time_outside_the_window_even_at_the_calendars_ends():
    for moment in (dt.datetime.min.replace(tzinfo=UTC), dt.datetime.max.replace(tzinfo=UTC),
                   dt.datetime(1, 1, 1, tzinfo=dates.timezone.get_default_timezone())):
        with pytest.raises(DomainError) as refused:
            bounds.check_values(Handover, handed_at=moment)
        assert refused.value.field == "handed_at"


def test_the_service_refuses_an_integer_outside_its_column_on_postgresql():
    # record_count=9223372036854775808 gave a 500 (SQLite's own limit); PostgreSQL's integer is smaller.
    for value in (9223372036854775808, 2147483648, -1):
        with pytest.raises(DomainError) as refused:
            bounds.check_values(Item, record_count=value)
        assert refused.value.field == "record_count"
    with pytest.raises(DomainError, match="32,767"):
        bounds.check_values(Item, pieces=32768)
    bounds.check_values(Item, record_count=2147483647, pieces=32767)


def test_the_service_refuses_a_long_text_with_its_length():
    with pytest.raises(DomainError) as refused:
        bounds.check_values(Contract, purpose="あ" * 10_000)
    assert refused.value.field == "purpose"
    assert refused.value.message == "2,000文字以内で入力してください（いま10,000文字です）。"
    with pytest.raises(DomainError, match="50文字以内"):
        bounds.check_values(Item, label="x" * 51)
    with pytest.raises(DomainError, match="NUL"):
        bounds.check_values(Item, label="a\x00b")
    bounds.check_values(Contract, purpose="あ" * 2000, title="件" * 300)


def _contract_data(world, **overrides):
    # "slug" for a form that still asks for one; a form without the field ignores it.
    data = {"slug": "bounds-2026", "ward_section": world.ward.pk, "contractor": world.contractor.pk, "title": "件名", "project_name": "事業", "department": "課", "regulation_basis": "根拠", "purpose": "目的",
            "subjects": "職員", "subject_count": "約3,000人", "project_description": "内容", "holding_section": "課",
            "registered_work_name": "業務", "information_items": "属性", "recording_media": "CD-R", "reason": "理由",
            "work_content": "委託", "start_date": "2026-05-01", "end_date": "2027-03-31", "period_note": "",
            "protection_measures_note": "別紙のとおり", "fiscal_year": "2026"}
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), [
    ("fiscal_year", "20260", "年度は1989年度（平成元年度）から2099年度（令和81年度）までの範囲で入力してください。"),
    ("fiscal_year", "1900", "年度は1989年度"),
    ("fiscal_year", "32767", "年度は1989年度"),
    ("start_date", "0001-01-01", "1989年1月8日から2100年12月31日までの日付を入力してください。"),
    ("end_date", "9999-12-31", "1989年1月8日から2100年12月31日までの日付を入力してください。"),
    ("purpose", "目" * 10_000, "2,000文字以内で入力してください（いま10,000文字です）。"),
    ("title", "件" * 301, "300文字以内"),
])
def test_the_contract_form_refuses_at_the_field(world, field, value, message):
    form = ContractForm(_contract_data(world, **{field: value}), instance=world.contract)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]


@pytest.mark.django_db
def test_the_contract_form_accepts_values_inside_the_bounds(world):
    form = ContractForm(_contract_data(world, purpose="目" * 2000), instance=world.contract)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_date_and_number_inputs_tell_the_browser_their_limits(world):
    form = ContractForm(instance=world.contract)
    assert form.fields["start_date"].widget.attrs["min"] == "1989-01-08"
    assert form.fields["start_date"].widget.attrs["max"] == "2100-12-31"
    assert form.fields["fiscal_year"].widget.attrs["max"] == "2099"
    items = ItemForm(contract=world.contract)
    assert items.fields["pieces"].widget.attrs == {"min": "1", "max": "32767"}
    assert items.fields["record_count"].widget.attrs["max"] == "2147483647"


@pytest.mark.django_db
def test_the_item_form_refuses_a_record_count_beyond_its_column(world):
    form = ItemForm({"category": "medium", "label": "CD-1", "contents": "回答", "pieces": "1",
                     "record_count": "9223372036854775808"}, contract=world.contract)
    assert not form.is_valid()
    assert form.errors["record_count"] == ["0から2,147,483,647までの数を入力してください。"]


@pytest.mark.django_db
def test_the_ledger_filter_refuses_a_date_beyond_the_window_instead_of_overflowing(world):
    form = LedgerFilterForm({"date_to": "9999-12-31", "date_from": "0001-01-01"})
    assert form.filters() == {}
    assert form.errors["date_to"] == ["1989年1月8日から2100年12月31日までの日付を入力してください。"]
    assert form.errors["date_from"] == ["1989年1月8日から2100年12月31日までの日付を入力してください。"]


def test_a_field_added_after_init_is_bounded_when_the_form_is_cleaned():
    class Late(bounds.BoundedFormMixin, forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["late"] = forms.CharField(required=False)

    form = Late({"late": "x" * 2001})
    assert not form.is_valid()
    assert form.errors["late"] == ["2,000文字以内で入力してください（いま2,001文字です）。"]


def test_a_form_field_stricter_than_its_column_keeps_its_own_limit():
    class Strict(bounds.BoundedFormMixin, forms.Form):
        bounds_model = Item
        label = forms.CharField(max_length=10)

    assert not Strict({"label": "x" * 11}).is_valid()
    assert Strict({"label": "x" * 10}).is_valid()


def test_an_uploaded_file_is_bounded_by_the_upload_setting(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_FILE_SIZE = 1024

    class Upload(bounds.BoundedFormMixin, forms.Form):
        answers = forms.FileField()

    big = Upload({}, {"answers": SimpleUploadedFile("answers.xlsx", b"x" * 1025)})
    assert not big.is_valid()
    assert big.errors["answers"] == ["ファイルが大きすぎます（1 KB）。1 KB以下のファイルにしてください。"]
    assert Upload({}, {"answers": SimpleUploadedFile("answers.xlsx", b"x" * 1024)}).is_valid()


def _project_form_classes():
    """Every form class defined in the project's apps (their forms modules imported first)."""
    import importlib
    import pkgutil

    from django.apps import apps as django_apps
    from django.conf import settings

    packages = [config.name for config in django_apps.get_app_configs()
                if str(config.path).startswith(str(settings.BASE_DIR)) and ".venv" not in str(config.path)]
    for package in packages:
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if module.name.endswith("forms"):
                importlib.import_module(f"{package}.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted({cls for cls in subclasses(forms.BaseForm)
                   if cls.__module__.partition(".")[0] in packages and not cls.__module__.endswith("admin")},
                  key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_form_of_the_app_takes_its_bounds_from_core_bounds():
    """A new form is bounded from its first line: the walk (test_bounds_walk) finds forms on pages, this
    finds them in the code, also those only a rare state shows."""
    classes = _project_form_classes()
    assert len(classes) > 20  # the forms of accounts, audit, checklist, contracts, engagement, handover, …
    unbounded = [f"{cls.__module__}.{cls.__qualname__}" for cls in classes
                 if not issubclass(cls, bounds.BoundedFormMixin)]
    assert not unbounded, f"forms without BoundedFormMixin: {unbounded}"
