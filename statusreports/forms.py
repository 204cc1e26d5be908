import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin
from core.dates import wareki
from core.widgets import DateInput

from .models import StatusReport, StatusSchedule, StructureReport

NO_PERSONAL_DATA = _("個人情報（区職員の氏名、回答の内容など）は書かないでください。")


class ScheduleForm(BoundedFormMixin, forms.Form):
    """HR: monthly on a day of the following month, on dates HR sets, or none with the reason."""

    bounds_model = StatusSchedule
    kind = forms.ChoiceField(label=_("報告の予定"), choices=StatusSchedule.Kind.choices, widget=forms.RadioSelect)
    day = forms.IntegerField(label=_("毎月の提出期限（翌月の日）"), min_value=1, max_value=28, required=False,
                             help_text=_("「毎月」のとき: 前月分の報告を翌月のこの日までに提出します（1〜28日）。"))
    dates = forms.CharField(label=_("提出期限の日"), required=False, max_length=400,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("「区が定める日」のとき: 1行に1日ずつ、年-月-日で（例: 2026-06-30）。契約の期間の中の日。"))
    reason = forms.CharField(label=_("定期の報告をしない理由"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("「定期の報告なし」のときは必ず入力します。"))

    def clean_dates(self):
        found = []
        for line in (self.cleaned_data.get("dates") or "").replace("、", "\n").replace(",", "\n").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                found.append(dt.date.fromisoformat(line.replace("/", "-")))
            except ValueError:
                raise forms.ValidationError(
                    _("「%(line)s」は日付として読めません。年-月-日（例: 2026-06-30）で1行に1日ずつ入力してください。"),
                    params={"line": line[:20]}) from None
        return found


class RequestForm(BoundedFormMixin, forms.Form):
    bounds_model = StatusReport
    due_on = forms.DateField(label=_("提出期限"), widget=DateInput())
    request_text = forms.CharField(label=_("報告を求める事項"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("例: 7月の再委託先の作業状況と、記録媒体の保管場所の点検結果"))

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contract is not None:
            # What the service accepts: a day within the contract's period, not in the past.
            first = max(contract.start_date, timezone.localdate())
            self.fields["due_on"].widget.attrs.update({"min": first.isoformat(),
                                                       "max": contract.end_date.isoformat()})
            self.fields["due_on"].help_text = gettext("契約の期間（%(start)s〜%(end)s）の中の、今日以降の日。") % {
                "start": wareki(contract.start_date), "end": wareki(contract.end_date)}


class SubmitForm(BoundedFormMixin, forms.Form):
    """The handling manager: what to report, and a file if there is one."""

    bounds_model = StatusReport
    text = forms.CharField(label=_("報告内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("業務の進み具合、個人情報の取扱い・管理の状況（保管、持ち出し、複製）、問題があればその内容と"
                                       "対応。") + NO_PERSONAL_DATA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from attachments.forms import evidence_file_field

        self.fields["file"] = evidence_file_field(required=False)
        self.fields["file"].label = _("添付ファイル（任意）")


class DecisionForm(BoundedFormMixin, forms.Form):
    """HR: 受理 or 差戻し (with a reason), with one of two buttons."""

    reason = forms.CharField(label=_("差戻しの理由"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("差し戻すときに入力します（例: 保管場所の点検結果が書かれていない）。"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)


class StructureForm(BoundedFormMixin, forms.Form):
    bounds_model = StructureReport
    effective_on = forms.DateField(label=_("この体制となった日"), widget=DateInput())
    changes = forms.CharField(label=_("変更の内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("契約締結後の最初の報告なら「契約締結時の体制」。変更なら、だれが加わり・外れ・"
                                          "役割が変わったか、責任者の連絡体制の変更など。"))
