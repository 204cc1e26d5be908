"""Forms of the copy register (複製等の記録) and the deletion report (消去報告書)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.selectors import display_name
from core.bounds import BoundedFormMixin
from core.widgets import DateInput, DateTimeInput
from handover.models import MediumKind

from .copies import OTHER_MEDIUM_NEEDS_KIND
from .models import CopyRecord, DeletionLine

ENCRYPTED_CHOICES = [("yes", _("暗号化している")), ("no", _("暗号化していない"))]


def _person(user) -> str:
    return display_name(user)


class CopyRecordForm(BoundedFormMixin, forms.Form):
    bounds_model = CopyRecord
    source = forms.ModelChoiceField(label=_("複製元"), queryset=None,
                                    help_text=_("区から受け取った記録媒体等"))
    place = forms.ChoiceField(label=_("複製先の種類"), choices=CopyRecord.Place.choices, widget=forms.RadioSelect)
    location = forms.CharField(label=_("複製先（PC名・資産番号・媒体の管理番号等）"), max_length=200,
                               help_text=_("例: ANL-PC-01（資産番号 A-1234）、BK-01（種類は「複製先の種類」で選びます）"))
    medium_kind = forms.ModelChoiceField(label=_("媒体の種類（その他の媒体のとき必須）"), queryset=MediumKind.objects.all(),
                                         required=False)
    made_at = forms.DateTimeField(label=_("複製した日時"), widget=DateTimeInput())
    made_by = forms.ModelChoiceField(label=_("複製した者"), queryset=None)
    purpose = forms.CharField(label=_("複製の目的"), max_length=200, help_text=_("例: 集計・分析のため"))
    encrypted = forms.ChoiceField(label=_("暗号化"), choices=ENCRYPTED_CHOICES, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("備考"), max_length=300, required=False)
    subcontractor = forms.ModelChoiceField(
        label=_("複製を保管する再委託先"), queryset=None, required=False, empty_label=_("委託先（再委託先ではない）"),
        help_text=_("区が承認した再委託先だけを選べます。再委託先の方が複製したときは、その再委託先になります。"))

    def __init__(self, *args, sources, makers, actor=None, holders=None, **kwargs):
        kwargs.setdefault("prefix", "copy")
        super().__init__(*args, **kwargs)
        # Only the subcontractors the ward approved: the list offers exactly what the service accepts.
        if holders is None or not holders.exists():
            del self.fields["subcontractor"]
        else:
            self.fields["subcontractor"].queryset = holders
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda item: f"{item.kind_label} {item.label}（{item.contents}）"
        self.fields["made_by"].queryset = makers
        self.fields["made_by"].label_from_instance = _person
        self.fields["made_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if actor is not None and makers.filter(pk=actor.pk).exists():
            self.fields["made_by"].initial = actor.pk
        if sources.count() == 1:
            self.fields["source"].initial = sources.first().pk

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("place") == CopyRecord.Place.OTHER_MEDIUM and not cleaned.get("medium_kind") \
                and "medium_kind" not in self.errors:
            self.add_error("medium_kind", OTHER_MEDIUM_NEEDS_KIND)
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["encrypted"] = data["encrypted"] == "yes"
        return data


class DeletionLineForm(BoundedFormMixin, forms.Form):
    """One line of the deletion report. A target that can only be destroyed is offered 破壊 alone."""

    bounds_model = DeletionLine
    method_type = forms.ChoiceField(label=_("方式"), choices=DeletionLine.Method.choices, widget=forms.RadioSelect,
                                    help_text=_("NIST SP 800-88・IEEE 2883 の区分: 消去（Clear）は通常の削除・上書き、"
                                                "完全消去（Purge）は暗号化消去・専用コマンド等の復元できない方法、"
                                                "破壊（Destroy）は裁断・粉砕・溶解等"))
    method = forms.CharField(label=_("方法"), max_length=200,
                             help_text=_("例: 消去ソフトによる上書き、BitLockerの暗号鍵の消去、シュレッダーによる粉砕"))
    tool = forms.CharField(label=_("使用したツール・機器"), max_length=100, help_text=_("例: ○○消去ソフト、クロスカットシュレッダー"))
    tool_version = forms.CharField(label=_("ツールの版"), max_length=50, required=False,
                                   help_text=_("消去・完全消去のときは必須（例: 3.2.1）。機器は型番でも構いません。"))
    performed_on = forms.DateField(label=_("実施日"), widget=DateInput())
    performer = forms.ModelChoiceField(label=_("実施者"), queryset=None)
    verifier = forms.ModelChoiceField(label=_("確認者"), queryset=None, help_text=_("実施者とは別の方"))
    verification = forms.CharField(label=_("確認の方法"), max_length=200,
                                   help_text=_("例: 消去ソフトの完了レポートを確認、裁断後の破片を目視で確認"))
    certificate = forms.CharField(label=_("証明書の番号等"), max_length=100, required=False,
                                  help_text=_("破壊を業者に依頼したときの証明書の番号など"))
    witnessed = forms.BooleanField(label=_("区の職員が立ち会った"), required=False)
    notes = forms.CharField(label=_("備考"), max_length=300, required=False)

    def __init__(self, *args, people, destroy_only: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("performer", "verifier"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = _person
        if destroy_only:
            self.fields["method_type"].choices = [(DeletionLine.Method.DESTROY, DeletionLine.Method.DESTROY.label)]
            self.fields["method_type"].initial = DeletionLine.Method.DESTROY
            self.fields["method_type"].help_text = destroy_only

    @classmethod
    def for_line(cls, line, data=None, *, people, destroy_only):
        initial = None
        if line.is_filled:
            initial = {"method_type": line.method_type, "method": line.method, "tool": line.tool,
                       "tool_version": line.tool_version, "performed_on": line.performed_on,
                       "performer": line.performer_id, "verifier": line.verifier_id,
                       "verification": line.verification, "certificate": line.certificate,
                       "witnessed": line.witnessed, "notes": line.notes}
        return cls(data, initial=initial, people=people, destroy_only=destroy_only)


class DeletionDecisionForm(BoundedFormMixin, forms.Form):
    """HR's decision: 受理, or 差戻し with a reason on each line that needs correcting."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        for line, label in lines:
            self.fields[f"reason_{line.pk}"] = forms.CharField(
                label=_("%(line)s の差戻しの理由") % {"line": label}, max_length=300, required=False)

    def reasons(self) -> dict[int, str]:
        return {int(name.removeprefix("reason_")): value for name, value in self.cleaned_data.items()
                if name.startswith("reason_")}
