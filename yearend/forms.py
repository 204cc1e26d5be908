"""Forms of the year's end: the report (⑤), the measures (⑥), closing and reopening the contract."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.models import ClosingEvent
from core.bounds import BoundedFormMixin
from core.dates import fiscal_year_label
from core.widgets import DateInput, DateTimeInput

from .models import ContractMeasure, ContractReport


class ReportSubmitForm(BoundedFormMixin, forms.Form):
    bounds_model = ContractReport
    title = forms.CharField(label=_("報告書の表題"), max_length=200)
    submitted_at = forms.DateTimeField(label=_("提出日時"), widget=DateTimeInput(),
                                       help_text=_("区に報告書を提出した日時。今でなければ直してください。"))
    pages = forms.IntegerField(label=_("ページ数"), min_value=1)
    file = forms.FileField(label=_("報告書のPDF（任意）"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
                           help_text=_("PDFのみ。ページ数を入力したページ数と照合します。"))
    no_personal_data = forms.BooleanField(
        label=_("報告書に個人情報（氏名・職員番号、個人を特定できる少人数の集計等）が含まれていないことを確認しました"),
        required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submitted_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        # The example names the contract's own year: a form of FY2026 that said 令和7年度 would be copied as is.
        self.fields["title"].help_text = gettext("例: %(year)s 職員エンゲージメント調査 分析報告書") % {
            "year": fiscal_year_label(contract.fiscal_year)}


class ReportDecisionForm(BoundedFormMixin, forms.Form):
    """HR: 受理 (after checking the box) or 差戻し (with a reason), with one of two buttons."""

    checked = forms.BooleanField(label=_("報告書に個人情報が含まれていないことを確認しました"), required=False)
    reason = forms.CharField(label=_("差戻しの理由"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("差し戻すときに入力します（例: 3ページの所属別の表に回答者が2人の課がある）。"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)


class MeasureForm(BoundedFormMixin, forms.Form):
    bounds_model = ContractMeasure
    decided_on = forms.DateField(label=_("検討・決定した日"), widget=DateInput())
    text = forms.CharField(label=_("対応策・改善策"), widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("報告書をもとに区が検討・決定したこと（例: 管理職向けの1on1研修を実施する）。"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "measure")
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()


class CloseForm(BoundedFormMixin, forms.Form):
    """Closing; with the choice to keep the pseudonym key when the contract holds one."""

    keep_link_key = forms.BooleanField(
        label=_("年度をまたぐ仮名IDの鍵を、翌年度の契約のために残す"), required=False,
        help_text=_("残さない場合は削除し、翌年度の仮名IDは今年度と照合できなくなります。"))
    keep_reason = forms.CharField(label=_("鍵を残す理由"), max_length=300, required=False)

    def __init__(self, *args, has_link_key: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep_reason"].max_length = ClosingEvent._meta.get_field("link_key_kept_reason").max_length
        if not has_link_key:
            del self.fields["keep_link_key"]
            del self.fields["keep_reason"]


class ReopenForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label=_("再開する理由"), max_length=300,
                             help_text=_("例: 完了後に事故が判明し、記録するため。理由は監査証跡に残ります。"))
