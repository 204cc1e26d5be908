from django import forms
from django.utils.translation import gettext_lazy as _

from attachments.forms import evidence_file_field
from contracts.models import Organisation
from core.bounds import BoundedFormMixin
from core.widgets import DateInput

from .models import SYSTEM_ITEMS, Certificate, EnvironmentProfile, Measure, OperationReport, Premises

NO_PERSONAL_DATA = _("個人情報（氏名、職員番号、回答の内容など）やパスワードそのものは書かないでください。")
MEASURE_CHOICES = [("", _("（未記入）")), *Measure.choices]

ITEM_HELP = {
    "01": _("例: 分析用PCはインターネットに接続しない。拠点間は閉域網のみ。"),
    "02": _("例: ファイアウォールで通信先を限定。サーバへの接続は管理端末のみ。"),
    "03": _("例: データの送受信はTLS 1.2以上。記録媒体の手渡しのみで通信しない場合は「該当しない」とその旨。"),
    "04": _("例: UTMを設置、侵入検知を導入、セキュリティパッチを毎月適用。"),
    "05": _("例: ウイルス対策ソフトウェアを導入、パターンファイルを自動更新。"),
    "06": _("例: 取扱者ごとのID、12文字以上のパスワード、多要素認証、退職時の即日削除。"),
    "07": _("例: 保存先フォルダのアクセス権を取扱者に限定、ファイルにパスワード。"),
    "08": _("例: 操作ログ・アクセスログを1年保存し、取扱責任者が毎月分析。分析の結果は下の記録に残してください。"),
    "09": _("例: 日次で暗号化したバックアップを取得、年1回の復元テスト。結果は下の記録に残してください。"),
    "10": _("例: 作業室はICカードで入退室を管理し、記録を1年保存。"),
    "11": _("例: 国内のデータセンター、日本法を準拠法とする契約。"),
}


class ProfileForm(BoundedFormMixin, forms.ModelForm):
    """Everything the profile says; blanks are kept until it is submitted."""

    class Meta:
        model = EnvironmentProfile
        fields = ["country", "premises", "place", "cloud_service", "cloud_provider", "cloud_guideline", "ismap",
                  *[f"s{number}_{part}" for number in SYSTEM_ITEMS for part in ("status", "text")]]
        help_texts = {
            "country": _("サーバ・保存先・作業場所のある国。日本国内なら「日本」。"),
            "place": _("自社の事務所・データセンターの名称と所在地（都道府県・市区町村まで）。"),
            "cloud_service": _("クラウドサービスを利用する場合のみ。"),
            "cloud_guideline": _("クラウドサービスを利用しない場合は「該当しない」。"),
            "ismap": _("ISMAPクラウドサービスリストに登録されたサービスか。利用しない場合は「該当しない」。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["premises"].choices = [("", _("（未記入）")), *Premises.choices]
        for name in ("cloud_guideline", "ismap"):
            self.fields[name].choices = MEASURE_CHOICES
        for number in SYSTEM_ITEMS:
            status = self.fields[f"s{number}_status"]
            status.choices = MEASURE_CHOICES
            status.label = f"s{number} {SYSTEM_ITEMS[number]}"
            text = self.fields[f"s{number}_text"]
            text.label = _("s%(n)s の具体的な内容（実施していない・該当しないときはその理由）") % {"n": number}
            text.widget = forms.Textarea(attrs={"rows": 2})
            text.help_text = f"{ITEM_HELP[number]} {NO_PERSONAL_DATA}"


class DecisionForm(BoundedFormMixin, forms.Form):
    bounds_model = EnvironmentProfile
    decision = forms.ChoiceField(label=_("確認の結果"), widget=forms.RadioSelect,
                                 choices=[("accept", _("受理する")), ("send_back", _("差し戻す"))])
    reason = forms.CharField(label=_("差戻しの理由"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("差し戻すときは、直してほしい点を書いてください。"))


class StartForm(BoundedFormMixin, forms.Form):
    """Which organisation's profile to begin (the contractor or a subcontractor of the contract)."""

    organisation = forms.ModelChoiceField(label=_("組織"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()


class CertificateForm(BoundedFormMixin, forms.Form):
    bounds_model = Certificate
    kind = forms.ChoiceField(label=_("認証の種類"), choices=Certificate.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("認証の名称（その他の場合）"), required=False, max_length=200)
    number = forms.CharField(label=_("登録番号"), max_length=100)
    issuer = forms.CharField(label=_("認証機関"), max_length=200)
    valid_from = forms.DateField(label=_("有効期間（開始）"), widget=DateInput())
    valid_until = forms.DateField(label=_("有効期間（終了）"), widget=DateInput(),
                                  help_text=_("期限の30日前からダッシュボードとメールでお知らせします。期限を過ぎると、"
                                              "この認証が裏付ける対策はチェックリストで「未実施」と表示されます。"))
    covers = forms.MultipleChoiceField(
        label=_("裏付ける対策（システム上の対策）"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(number, f"s{number} {label}") for number, label in SYSTEM_ITEMS.items()],
        help_text=_("選ばないときは種類ごとの標準（ISMS・ISMAP: すべて、Pマーク: s06・s07・s10）になります。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"] = evidence_file_field(required=False, label=_("認証の登録証（PDF・画像）"))

    def clean_covers(self):
        return self.cleaned_data.get("covers") or None


class ReportForm(BoundedFormMixin, forms.Form):
    bounds_model = OperationReport
    kind = forms.ChoiceField(label=_("内容"), choices=OperationReport.Kind.choices, widget=forms.RadioSelect)
    period_from = forms.DateField(label=_("対象期間（開始）"), widget=DateInput())
    period_until = forms.DateField(label=_("対象期間（終了）"), widget=DateInput())
    done_on = forms.DateField(label=_("実施日"), widget=DateInput())
    text = forms.CharField(label=_("結果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("分析・確認で見つかったことと、対応したこと。") + " " + NO_PERSONAL_DATA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"] = evidence_file_field(required=False, label=_("報告書（PDF・画像・XLSX・DOCX）"))
