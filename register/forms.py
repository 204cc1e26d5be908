"""The register's filters (GET): each value is checked against what the person may choose, so a value typed
into the address bar gets a Japanese message at its field, never an error page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import Organisation
from contracttypes.models import ContractType
from core.bounds import BoundedFormMixin
from core.dates import fiscal_year_label


class State:
    DRAFT = "draft"
    ACTIVE = "active"
    PAST_END = "past_end"
    CLOSED = "closed"

    CHOICES = [(DRAFT, _("準備中")), (ACTIVE, _("履行中")), (PAST_END, _("期間終了・未完了")), (CLOSED, _("完了"))]


class RegisterFilterForm(BoundedFormMixin, forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    department = forms.ModelChoiceField(label=_("部"), queryset=Organisation.objects.none(), required=False,
                                        empty_label=_("すべて"))
    section = forms.ModelChoiceField(label=_("担当課"), queryset=Organisation.objects.none(), required=False,
                                     empty_label=_("すべて"))
    contractor = forms.ModelChoiceField(label=_("委託先"), queryset=Organisation.objects.none(), required=False,
                                        empty_label=_("すべて"))
    contract_type = forms.ModelChoiceField(label=_("委託の種類"), queryset=ContractType.objects.all(), required=False,
                                           empty_label=_("すべて"))
    state = forms.ChoiceField(label=_("状態"), required=False, choices=[("", _("すべて")), *State.CHOICES])
    needs_attention = forms.BooleanField(label=_("対応が必要な契約だけ"), required=False)

    def __init__(self, *args, years=(), contractor_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [("", _("すべて"))] + [(year, fiscal_year_label(year)) for year in years]
        self.fields["department"].queryset = Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT)
        self.fields["section"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.WARD_SECTION, Organisation.Kind.UNIT]).order_by("code", "name")
        self.fields["contractor"].queryset = Organisation.objects.filter(pk__in=list(contractor_ids)).order_by("name")

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}
