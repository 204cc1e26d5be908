from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin

from .models import Contract, Designation, Role
from .services import CONTRACT_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class ContractForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["slug", *CONTRACT_FIELDS]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "subjects": forms.Textarea(attrs={"rows": 2}),
            "project_description": forms.Textarea(attrs={"rows": 6}),
            "information_items": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 4}),
            "work_content": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"slug": _("URLに使う半角英数字とハイフン（例: shinjuku-engagement-2025）。後から変更できません。")}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONTRACT_FIELDS}


class StepForm(BoundedFormMixin, forms.Form):
    step = forms.TypedChoiceField(label=_("工程"), choices=Contract.Step.choices, coerce=int)
    done = forms.BooleanField(label=_("完了"), required=False)
    note = forms.CharField(label=_("備考"), max_length=300, required=False)


class DesignationReportForm(BoundedFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("氏名"), queryset=None)
    kind = forms.ChoiceField(label=_("区分"), choices=Designation.Kind.choices)
    duties = forms.CharField(label=_("担当業務"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("指定期間（開始）"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("指定期間（終了）"), required=False, widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = lambda u: f"{u.profile.display_name}（{u.username}）"


class DecisionForm(BoundedFormMixin, forms.Form):
    note = forms.CharField(label=_("備考・理由"), max_length=300, required=False)


class MembershipGrantForm(BoundedFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("職員"), queryset=None)
    role = forms.ChoiceField(label=_("役割"), choices=[(Role.HR, Role.HR.label), (Role.AUDITOR, Role.AUDITOR.label)])

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = lambda u: f"{u.profile.display_name}（{u.username}）"
