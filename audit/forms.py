from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(BoundedFormMixin, forms.Form):
    contract = forms.ModelChoiceField(label=_("契約"), queryset=None, required=False, empty_label=_("すべて"))
    action = forms.CharField(label=_("操作（前方一致）"), required=False, max_length=100)
    actor = forms.CharField(label=_("操作者"), required=False, max_length=150)
    date_from = forms.DateField(label=_("期間（から）"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("期間（まで）"), required=False, widget=DateInput())

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].to_field_name = "slug"
