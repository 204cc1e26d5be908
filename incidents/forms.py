from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin
from core.widgets import DateTimeInput

from .models import Incident, IncidentEvent

NO_PERSONAL_DATA = _("個人情報（氏名、職員番号、回答の内容など）は書かないでください。")


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


def _item_label(item) -> str:
    return _("%(item)s — %(state)s") % {"item": item.describe(), "state": item.get_state_display()}


class IncidentForm(BoundedFormMixin, forms.Form):
    """The facts of an incident, as reported and as corrected later (the same fields both times)."""

    bounds_model = Incident
    kind = forms.ChoiceField(label=_("事故の種類"), choices=Incident.Kind.choices, widget=forms.RadioSelect)
    discovered_at = forms.DateTimeField(label=_("発見日時"), widget=DateTimeInput(),
                                        help_text=_("事故に気づいた日時（日本時間）。報告の期限はこの日から数えます。"))
    items = forms.ModelMultipleChoiceField(
        label=_("関係する記録媒体等"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("紛失・盗難・誤送付などにあった記録媒体・紙媒体・パスワード通知書をすべて選んでください。"
                    "媒体とパスワード通知書の両方が関係するときは、両方を選びます。"))
    other_data = forms.BooleanField(
        label=_("記録媒体等以外のデータも関係する（分析用パソコン上の複製、印刷した控え、メールなど）"), required=False)
    affected_count = forms.IntegerField(
        label=_("漏えい等のおそれがある本人の数"), min_value=0,
        help_text=_("分からないときは、考えられる最も多い数を入力し、分かったら訂正してください。"))
    sensitive = forms.BooleanField(
        label=_("要配慮個人情報が含まれる"), required=False,
        help_text=_("人種、信条、社会的身分、病歴、犯罪の経歴、犯罪により害を被った事実など（個人情報保護法第2条第3項）"))
    financial_harm = forms.BooleanField(
        label=_("不正に利用されることにより財産的被害が生じるおそれがある"), required=False,
        help_text=_("例: 口座番号と暗証番号、クレジットカード番号、ログインのIDとパスワード"))
    wrongful_purpose = forms.BooleanField(
        label=_("不正の目的をもって行われたおそれがある"), required=False,
        help_text=_("例: 不正アクセス、盗難、従業者による持ち出し。確報の期限が60日になります。"))
    ordinance_sensitive = forms.BooleanField(
        label=_("条例要配慮個人情報が含まれる"), required=False,
        help_text=_("区の条例で定める条例要配慮個人情報"))
    # The ledger cannot tell who may know a password (a notice handed over with its disc although refused, a firm
    # holding both, a file opened before): the reporter says it, and the encryption exception rests on it.
    password_exposure = forms.ChoiceField(
        label=_("データを持つ者（持ち出した者・受け取った者）がパスワードを知り得るか"),
        choices=Incident.PasswordExposure.choices, required=False, widget=forms.RadioSelect,
        help_text=_("暗号化した記録媒体（パスワード通知書を登録した媒体）が関係するときは必ず選んでください。"
                    "通知書を持つ者・その組織の者、媒体と同じ機会に通知書を受け取った者、ファイルを開いたことがある者は"
                    "パスワードを知り得ます。知り得る・分からないときは、暗号化による除外を受けられません。"))
    description = forms.CharField(
        label=_("事故の概要"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("いつ、どこで、何が起きたか、いま分かっていること。") + NO_PERSONAL_DATA)

    def __init__(self, *args, contract, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("discovered_at", _now())
        super().__init__(*args, **kwargs)
        items = contract.handover_items.select_related("medium_kind").order_by("category", "label")
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = _item_label
        counts = [_("%(label)s %(n)s件") % {"label": item.label, "n": f"{item.record_count:,}"}
                  for item in items if item.record_count]
        if counts:
            self.fields["affected_count"].help_text = _(
                "分からないときは、考えられる最も多い数を入力し、分かったら訂正してください。台帳の件数: %(counts)s") % {
                "counts": "、".join(counts)}

    @classmethod
    def initial_from(cls, incident: Incident) -> dict:
        names = ("kind", "discovered_at", "other_data", "affected_count", "sensitive", "financial_harm",
                 "wrongful_purpose", "ordinance_sensitive", "password_exposure", "description")
        initial = {name: getattr(incident, name) for name in names}
        initial["discovered_at"] = timezone.localtime(incident.discovered_at)
        initial["items"] = list(incident.items.values_list("pk", flat=True))
        return initial


class EventForm(BoundedFormMixin, forms.Form):
    bounds_model = IncidentEvent
    kind = forms.ChoiceField(label=_("内容"), choices=())
    happened_at = forms.DateTimeField(label=_("日時"), widget=DateTimeInput())
    note = forms.CharField(
        label=_("記録"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("行ったこと、決めたこと、報告の受付番号など。") + NO_PERSONAL_DATA)

    def __init__(self, *args, kinds, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("happened_at", _now())
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, IncidentEvent.Kind(kind).label) for kind in kinds]


class CloseForm(BoundedFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("対応の結果（再発防止策を含む）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=NO_PERSONAL_DATA)
    missing_reports_reason = forms.CharField(
        label=_("報告等の記録がないまま終結する理由"), max_length=300, required=False,
        help_text=_("記録されていない報告があるときだけ。例: 個人情報保護委員会と協議し、確報は不要とされたため"))

    def __init__(self, *args, missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not missing:
            del self.fields["missing_reports_reason"]
