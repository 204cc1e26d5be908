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
