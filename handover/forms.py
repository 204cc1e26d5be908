from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.formatting import person_name
from contracts.models import Organisation
from contracts.selectors import display_name
from core.bounds import BoundedFormMixin
from core.dates import wareki_datetime
from core.widgets import DateInput, DateTimeInput

from . import rules
from .models import Handover, Item, MediumKind, OnlineTransfer, StorageRecord
from .services import SHA256_PATTERN, normalise_sha256


def _person_label(user) -> str:
    # Named as everywhere else, never by the username (issue 14 E.18).
    return person_name(user)


def _recipient_label(user) -> str:
    """A subcontractor's person is named with their party: 「入力 花子（再委託先 株式会社B）」."""
    profile = getattr(user, "profile", None)
    organisation = profile.organisation if profile is not None else None
    if organisation is not None and organisation.kind == Organisation.Kind.SUBCONTRACTOR:
        return gettext("%(name)s（再委託先 %(party)s）") % {"name": person_name(user), "party": organisation.name}
    return person_name(user)


class ItemForm(BoundedFormMixin, forms.Form):
    bounds_model = Item
    category = forms.ChoiceField(label=_("区分"), choices=Item.Category.choices)
    medium_kind = forms.ModelChoiceField(label=_("媒体の種類"), queryset=MediumKind.objects.all(), required=False,
                                         help_text=_("電磁的媒体のとき。ほかの種類は管理画面で追加できます。"))
    label = forms.CharField(label=_("管理番号"), max_length=50)
    contents = forms.CharField(label=_("内容"), max_length=300,
                               help_text=_("何の情報か（例: 職員属性・調査回答（暗号化済み））。個人情報そのものは書かないでください。"))
    record_count = forms.IntegerField(label=_("件数"), min_value=0, required=False)
    pieces = forms.IntegerField(label=_("数量（枚・部）"), min_value=1, initial=1)
    file_name = forms.CharField(label=_("暗号化ファイル名"), max_length=200, required=False)
    sha256 = forms.CharField(label=_("SHA-256"), max_length=100, required=False,
                             help_text=_("媒体に書き込んだ暗号化ファイルのハッシュ値（64桁）。受領者が照合します。"))
    opens = forms.ModelChoiceField(label=_("このパスワード通知書で開く記録媒体"), queryset=Item.objects.none(),
                                   required=False,
                                   help_text=_("パスワード通知書のとき。パスワードそのものは入力しません（保存されません）。"))
    notes = forms.CharField(label=_("備考"), max_length=300, required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        # The example names the contract's own year, as the numbers the app proposes do (CD-<year>-001).
        self.fields["label"].help_text = gettext("媒体や通知書に書いた番号（例: CD-%(year)s-001、PN-%(year)s-001）") % {
            "year": contract.fiscal_year}
        self.fields["opens"].queryset = contract.handover_items.filter(category=Item.Category.MEDIUM).order_by("label")


class HandoverForm(BoundedFormMixin, forms.Form):
    items = forms.ModelMultipleChoiceField(label=_("渡すもの"), queryset=Item.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    recipient = forms.ModelChoiceField(label=_("受け取る者"), queryset=None)
    handed_at = forms.DateTimeField(label=_("受渡し日時"), widget=DateTimeInput(),
                                    help_text=_("実際に手渡した日時（日本時間）"))
    late_reason = forms.CharField(
        label=_("事後記録の理由"), max_length=300, required=False,
        help_text=_("受渡し日時が記録する時刻より5分以上前のとき（事後記録）に、記録が遅れた理由を書いてください。"
                    "管理簿に「事後記録」として残ります。"))
    on_behalf_reason = forms.CharField(
        label=_("代理で返却する理由"), max_length=300, required=False,
        help_text=_("ほかの方が保管している記録媒体等を、取扱責任者が代理で返却するときに書いてください（例: 出張中のため）。"))
    by_hand = forms.BooleanField(label=_("手渡しで渡す"), required=False, initial=True)
    container = forms.CharField(label=_("運搬方法"), max_length=100, initial=rules.LOCKED_BAG_LABEL)
    notes = forms.CharField(label=_("備考"), max_length=300, required=False)

    def __init__(self, *args, items, recipients, on_behalf=False, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("handed_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = _item_label if on_behalf else (lambda item: item.describe())
        self.fields["recipient"].queryset = recipients
        self.fields["recipient"].label_from_instance = _recipient_label
        if not on_behalf:
            # Only the handling manager may return items someone else holds; no one else is asked why.
            del self.fields["on_behalf_reason"]


def _item_label(item) -> str:
    return _("%(item)s（保管者: %(holder)s）") % {"item": item.describe(), "holder": display_name(item.holder)}


class HashInput(forms.TextInput):
    """Wide enough for the 64 characters of a SHA-256, in a fixed-width font."""

    def __init__(self):
        super().__init__(attrs={"class": "hash-input", "size": "64", "autocomplete": "off", "spellcheck": "false",
                                "autocapitalize": "off", "inputmode": "latin"})


class AcknowledgeForm(BoundedFormMixin, forms.Form):
    """受領確認: the stated time confirmed, the reason when acting for the recipient, and for each medium
    with a recorded SHA-256, the hash computed from the disc or why it cannot be computed."""

    def __init__(self, *args, handover, on_behalf_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        if on_behalf_of is not None:
            self.fields["on_behalf_reason"] = forms.CharField(
                label=_("代理で受領確認する理由"), max_length=300, required=False,
                help_text=_("%(name)sさん宛ての受渡しです。代理で受領確認する理由を書いてください（例: 出張中のため）。"
                            "管理簿に残ります。") % {"name": display_name(on_behalf_of)})
        self.fields["time_confirmed"] = forms.BooleanField(
            label=_("記録された受渡し日時（%(when)s）に受け取りました") % {"when": wareki_datetime(handover.handed_at)},
            required=False,
            help_text=_("日時が違うときは受領確認をせず、渡した方に記録の取消と記録し直しを依頼してください。"))
        self.hashed_items = [line.item for line in handover.lines.all() if line.item.sha256]
        for item in self.hashed_items:
            self.fields[f"sha256_{item.pk}"] = forms.CharField(
                label=_("%(item)s のSHA-256（計算した値）") % {"item": item}, max_length=200, required=False,
                widget=HashInput(),
                help_text=_("ディスク上の %(file)s から計算した64桁の値を貼り付けてください。")
                % {"file": item.file_name or _("暗号化ファイル")},
            )
            self.fields[f"not_computed_{item.pk}"] = forms.BooleanField(
                label=_("%(item)s のSHA-256を計算できない") % {"item": item.label}, required=False)
            self.fields[f"not_computed_reason_{item.pk}"] = forms.CharField(
                label=_("計算できない理由"), max_length=300, required=False,
                help_text=_("例: ディスクを読めるパソコンがその場にない。管理簿に残ります。"))

    def clean(self):
        data = super().clean()
        for item in self.hashed_items:
            entered = normalise_sha256(data.get(f"sha256_{item.pk}", ""))
            cannot = data.get(f"not_computed_{item.pk}")
            reason = (data.get(f"not_computed_reason_{item.pk}") or "").strip()
            if cannot and entered:
                self.add_error(f"sha256_{item.pk}", _("「計算できない」を選んだときは、SHA-256の欄を空にしてください。"))
            elif cannot and not reason:
                self.add_error(f"not_computed_reason_{item.pk}", _("計算できない理由を入力してください。"))
            elif not cannot and not entered:
                self.add_error(f"sha256_{item.pk}", _("ディスク上のファイルから計算したSHA-256を入力してください。"
                                                      "計算できないときは「計算できない」を選び、理由を入力してください。"))
            elif entered and not SHA256_PATTERN.match(entered):
                self.add_error(f"sha256_{item.pk}", _("SHA-256は64桁の16進数（0-9、a-f）で入力してください。"))
        return data

    def service_arguments(self) -> dict:
        """What the service takes from this form."""
        data = self.cleaned_data
        return {
            "time_confirmed": bool(data.get("time_confirmed")),
            "hashes": {item.pk: data.get(f"sha256_{item.pk}", "") for item in self.hashed_items
                       if not data.get(f"not_computed_{item.pk}")},
            "not_computed": {item.pk: data.get(f"not_computed_reason_{item.pk}", "") for item in self.hashed_items
                             if data.get(f"not_computed_{item.pk}")},
            "on_behalf_reason": data.get("on_behalf_reason", ""),
        }


class CancelForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label=_("取消の理由"), max_length=300)


class StorageForm(BoundedFormMixin, forms.Form):
    place = forms.ChoiceField(label=_("保管設備"), choices=StorageRecord.Place.choices)
    location = forms.CharField(label=_("保管場所"), max_length=200,
                               help_text=_("例: 分析室 B-2（設備の種類は「保管設備」で選びます）"))
    locked = forms.BooleanField(label=_("施錠できる設備に入れ、施錠した"), required=False)


class StorageCheckForm(BoundedFormMixin, forms.Form):
    note = forms.CharField(label=_("備考"), max_length=300, required=False)


class LedgerFilterForm(BoundedFormMixin, forms.Form):
    contract = forms.ModelChoiceField(label=_("契約"), queryset=None, required=False, empty_label=_("すべて"))
    date_from = forms.DateField(label=_("期間（から）"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("期間（まで）"), required=False, widget=DateInput())
    category = forms.ChoiceField(label=_("区分"), required=False,
                                 choices=[("", _("すべて")), *Item.Category.choices])
    direction = forms.ChoiceField(label=_("方向"), required=False,
                                  choices=[("", _("すべて")), *Handover.Direction.choices])
    status = forms.ChoiceField(label=_("状態"), required=False, choices=[("", _("すべて")), *Handover.Status.choices])

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contracts is None:
            del self.fields["contract"]
        else:
            self.fields["contract"].queryset = contracts
            self.fields["contract"].to_field_name = "slug"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        if "contract" in data:
            data["contract_filter"] = data.pop("contract")
        return {k: v for k, v in data.items() if v}


class TransferForm(BoundedFormMixin, forms.Form):
    """送信の記録: a file sent over LGWAN to an approved designee of the contractor."""

    bounds_model = OnlineTransfer
    recipient = forms.ModelChoiceField(label=_("受信する者（委託先）"), queryset=None,
                                       help_text=_("この契約の承認された取扱責任者・取扱者（指定期間内）から選びます。"))
    sent_at = forms.DateTimeField(label=_("送信日時"), widget=DateTimeInput())
    channel = forms.ChoiceField(label=_("送信の経路"), choices=OnlineTransfer.Channel.choices)
    file_name = forms.CharField(label=_("ファイル名"), max_length=255,
                                help_text=_("例: atena_20260601.zip（暗号化したファイル）"))
    sha256 = forms.CharField(label="SHA-256", max_length=200, widget=HashInput(),
                             help_text=_("送信したファイルから計算した64桁の値（certutil -hashfile ファイル名 SHA256）"))
    size = forms.IntegerField(label=_("サイズ（バイト）"), min_value=1)
    notes = forms.CharField(label=_("備考"), max_length=300, required=False)

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients
        self.fields["recipient"].label_from_instance = _recipient_label
        self.fields["sent_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_sha256(self):
        value = normalise_sha256(self.cleaned_data.get("sha256", ""))
        if not SHA256_PATTERN.match(value):
            raise forms.ValidationError(_("SHA-256は64桁の16進数で入力してください。"))
        return value


class TransferAcknowledgeForm(BoundedFormMixin, forms.Form):
    confirmed = forms.BooleanField(
        label=_("ファイルを受け取り、SHA-256が記録の値と一致することを確かめました"), required=False)
