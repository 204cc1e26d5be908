from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.permissions import people_who_can
from contracts.selectors import display_name
from contracts.subcontracting import approved
from core.bounds import BoundedFormMixin
from core.widgets import DateInput

from .models import Finding, Inspection, InspectionResult
from .selectors import item_choices

NO_PERSONAL_DATA = _("個人情報（氏名、職員番号、回答の内容など）は書かないでください。")
REASON_HELP = _("実地（立入り）以外のときは必ず入力します。例: 委託先の事業所が遠隔地で、今年度は映像で執務室と保管庫を確認するため")


class PlanForm(BoundedFormMixin, forms.Form):
    """HR plans an inspection: when, how, where (and of which approved subcontractor, if any)."""

    bounds_model = Inspection
    planned_on = forms.DateField(label=_("実施予定日"), widget=DateInput())
    method = forms.ChoiceField(label=_("方法"), choices=Inspection.Method.choices, widget=forms.RadioSelect,
                               initial=Inspection.Method.ON_SITE,
                               help_text=_("原則は実地（立入り）です。"))
    reason = forms.CharField(label=_("実地以外の方法による理由"), max_length=300, required=False, help_text=REASON_HELP)
    place = forms.CharField(label=_("場所（予定）"), max_length=200, required=False,
                            help_text=_("例: 委託先A株式会社 本社 分析室"))
    subcontractor = forms.ModelChoiceField(label=_("対象"), queryset=None, required=False,
                                           empty_label=_("委託先（再委託先ではない）"),
                                           help_text=_("区が承認した再委託先を調べるときは、その再委託先を選びます。"))

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        subcontractors = approved(contract).order_by("pk")
        self.fields["subcontractor"].queryset = subcontractors
        if not subcontractors.exists():
            del self.fields["subcontractor"]


class RecordForm(BoundedFormMixin, forms.Form):
    """HR records the inspection as held."""

    bounds_model = Inspection
    held_on = forms.DateField(label=_("実施日"), widget=DateInput())
    method = forms.ChoiceField(label=_("方法"), choices=Inspection.Method.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("実地以外の方法による理由"), max_length=300, required=False, help_text=REASON_HELP)
    place = forms.CharField(label=_("場所"), max_length=200)
    inspectors = forms.CharField(label=_("検査者（区の職員の氏名）"), max_length=300,
                                 help_text=_("記録に印字されます。複数のときは「、」で区切ります。"))
    summary = forms.CharField(label=_("所見"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("全体として確認できたこと。") + NO_PERSONAL_DATA)

    @classmethod
    def initial_from(cls, inspection: Inspection) -> dict:
        return {"held_on": min(inspection.planned_on, timezone.localdate()), "method": inspection.method,
                "reason": inspection.reason, "place": inspection.place}


class ReplanForm(BoundedFormMixin, forms.Form):
    planned_on = forms.DateField(label=_("新しい実施予定日"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "replan")
        super().__init__(*args, **kwargs)


class CancelForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label=_("中止の理由"), max_length=300,
                             help_text=_("中止したときは、同じ年度に改めて計画してください。"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)


class ResultForm(BoundedFormMixin, forms.Form):
    bounds_model = InspectionResult
    item_key = forms.ChoiceField(label=_("確認したチェック項目"), choices=())
    result = forms.ChoiceField(label=_("結果"), choices=InspectionResult.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("確認した内容・備考"), max_length=300, required=False,
                           help_text=_("例: 保管庫の施錠と鍵の管理簿を確認した。") + NO_PERSONAL_DATA)

    def __init__(self, *args, contract, **kwargs):
        kwargs.setdefault("prefix", "result")
        super().__init__(*args, **kwargs)
        self.fields["item_key"].choices = [("", _("選んでください")), *item_choices(contract)]


class FindingForm(BoundedFormMixin, forms.Form):
    bounds_model = Finding
    text = forms.CharField(label=_("指摘の内容"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("改善してほしいことと、その理由。") + NO_PERSONAL_DATA)
    item_key = forms.ChoiceField(label=_("関係するチェック項目"), choices=(), required=False,
                                 help_text=_("その項目の区分（区・委託先）のチェックリストは、対応が完了するまで確定できません。"
                                             "項目を選ばないときは、両方の区分が対象になります。"))
    owner = forms.ModelChoiceField(label=_("対応する者（委託先）"), queryset=None)
    due_on = forms.DateField(label=_("対応の期限"), widget=DateInput())

    def __init__(self, *args, contract, **kwargs):
        kwargs.setdefault("prefix", "finding")
        super().__init__(*args, **kwargs)
        self.fields["item_key"].choices = [("", _("（項目を選ばない: 両方の区分）")), *item_choices(contract)]
        owners = people_who_can(contract, "receive").select_related("profile").order_by("username")
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = display_name


class ResponseForm(BoundedFormMixin, forms.Form):
    bounds_model = Finding
    response = forms.CharField(label=_("対応の内容"), widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("行ったことと、いつからそうしているか。") + NO_PERSONAL_DATA)

    def __init__(self, *args, prefix="response", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)


class DecisionForm(BoundedFormMixin, forms.Form):
    """HR: 受理 or 差戻し (with a reason), with one of two buttons."""

    reason = forms.CharField(label=_("差戻しの理由"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("差し戻すときに入力します（例: 施錠した保管庫の写真では鍵の管理が確認できない）。"))
    due_on = forms.DateField(label=_("新しい対応の期限"), required=False, widget=DateInput(),
                             help_text=_("差し戻すときに、期限を延ばすなら入力します（空欄なら今の期限のままです）。"))

    def __init__(self, *args, prefix="decision", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
