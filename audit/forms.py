import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.bounds import BoundedFormMixin
from core.widgets import DateInput

from .formatting import date_text, text

# Every filter kept in the export's own audit entry is at most this long.
WORDS_MAX_LENGTH = 50


class AuditFilterForm(BoundedFormMixin, forms.Form):
    """The log's filters, in words: a person by name, an action by what it is called, a contract
    named with its fiscal year, and dates (within core.bounds, like every date the app accepts)."""

    person = forms.CharField(label=gettext_lazy("操作者（氏名の一部）"), required=False, max_length=WORDS_MAX_LENGTH,
                             help_text=gettext_lazy("例: 田中"))
    action = forms.CharField(label=gettext_lazy("操作（語句）"), required=False, max_length=WORDS_MAX_LENGTH,
                             help_text=gettext_lazy("例: 受渡し、出力、チェックリスト、ログイン"))
    contract = forms.ModelChoiceField(label=gettext_lazy("契約"), queryset=None, required=False,
                                      empty_label=gettext_lazy("すべて"))
    date_from = forms.DateField(label=gettext_lazy("期間（から）"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("期間（まで）"), required=False, widget=DateInput())

    def __init__(self, *args, contracts, with_action: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts.order_by("-fiscal_year", "title")
        self.fields["contract"].to_field_name = "slug"
        if with_action:
            self.fields["action"].widget.attrs["list"] = "audit-action-words"
        else:
            del self.fields["action"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("期間（まで）は期間（から）より後の日付にしてください。"))
        for name in ("person", "action"):
            if name in data:
                data[name] = " ".join(data[name].split())
        return data

    def filters(self) -> dict:
        """Keyword arguments for :func:`audit.selectors.audit_entries_for` (only the filters given)."""
        return {name: value for name, value in self.cleaned_data.items() if value}

    def audit_payload(self) -> dict:
        """The filters as the export's own audit entry keeps them: these names only, bounded."""
        kept = {}
        for name, value in self.filters().items():
            if name == "contract":
                kept[name] = value.slug
            elif isinstance(value, dt.date):
                kept[name] = value.isoformat()
            else:
                kept[name] = str(value)[:WORDS_MAX_LENGTH]
        return kept


FILTER_LABELS = {
    "person": gettext_lazy("操作者"),
    "action": gettext_lazy("操作"),
    "contract": gettext_lazy("契約"),
    "date_from": gettext_lazy("期間（から）"),
    "date_to": gettext_lazy("期間（まで）"),
}


def filters_text(filters, context=None) -> str:
    """The filters of an export in words: 「操作者「田中」、操作「受渡し」、契約 …（令和8年度）」."""
    parts = []
    for name, value in (filters or {}).items() if isinstance(filters, dict) else ():
        if name not in FILTER_LABELS or not value:
            continue  # older entries kept whatever the query string held; only the known filters are read
        if name == "contract":
            shown = " " + (context.contract(value) if context is not None else text(value))
        elif name.startswith("date_"):
            shown = " " + date_text(value)
        else:
            shown = f"「{text(value, WORDS_MAX_LENGTH)}」"
        parts.append(f"{FILTER_LABELS[name]}{shown}")
    return "、".join(parts) if parts else _("なし")
