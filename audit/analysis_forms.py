from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin

from .models import LogAnalysis


class AnalysisRecordForm(BoundedFormMixin, forms.Form):
    bounds_model = LogAnalysis
    note = forms.CharField(
        label=_("所見"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("分析の所見を入力してください。")},
        help_text=_("見つけたこと、確かめたこと、対応したこと（例: 失敗したログインは本人の入力誤りと確認。"
                    "時間外の出力は繁忙期の残業によるもので、課長の承認あり）。"))
    own_actions_declared = forms.BooleanField(
        label=_("この月の記録に自分自身の操作が含まれることを申告する"), required=False,
        help_text=_("ログインの失敗、個人情報の出力、執務時間外の操作、管理画面での操作のいずれかに自分の操作があるときは、"
                    "申告して理由を書かなければ記録できません。"))
    own_actions_reason = forms.CharField(
        label=_("申告の理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例: 監査担当が一人のため。自分の操作は課長が確認した。"))
