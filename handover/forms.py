from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.selectors import display_name
from core.bounds import BoundedFormMixin

from .models import Handover, Item, MediumKind, StorageRecord


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _person_label(user) -> str:
    return f"{display_name(user)}（{user.get_username()}）"


class ItemForm(BoundedFormMixin, forms.Form):
    bounds_model = Item
    category = forms.ChoiceField(label=_("区分"), choices=Item.Category.choices)
    medium_kind = forms.ModelChoiceField(label=_("媒体の種類"), queryset=MediumKind.objects.all(), required=False,
                                         help_text=_("電磁的媒体のとき。ほかの種類は管理画面で追加できます。"))
    label = forms.CharField(label=_("管理番号"), max_length=50,
                            help_text=_("媒体や通知書に書いた番号（例: CD-2025-001、PN-2025-001）"))
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
        self.fields["opens"].queryset = contract.handover_items.filter(category=Item.Category.MEDIUM).order_by("label")


class HandoverForm(BoundedFormMixin, forms.Form):
    items = forms.ModelMultipleChoiceField(label=_("渡すもの"), queryset=Item.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    recipient = forms.ModelChoiceField(label=_("受け取る者"), queryset=None)
    handed_at = forms.DateTimeField(label=_("受渡し日時"), widget=DateTimeInput(),
                                    help_text=_("実際に手渡した日時（日本時間）"))
    by_hand = forms.BooleanField(label=_("手渡しで渡す"), required=False, initial=True)
    container = forms.CharField(label=_("運搬方法"), max_length=100, initial="鍵付きカバン")
    notes = forms.CharField(label=_("備考"), max_length=300, required=False)

    def __init__(self, *args, items, recipients, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("handed_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda item: item.describe()
        self.fields["recipient"].queryset = recipients
        self.fields["recipient"].label_from_instance = _person_label


class AcknowledgeForm(BoundedFormMixin, forms.Form):
    """One optional SHA-256 field per medium on the handover that has a recorded hash."""

    def __init__(self, *args, handover, **kwargs):
        super().__init__(*args, **kwargs)
        self.hashed_items = [line.item for line in handover.lines.all() if line.item.sha256]
        for item in self.hashed_items:
            self.fields[f"sha256_{item.pk}"] = forms.CharField(
                label=_("%(item)s の SHA-256（任意）") % {"item": item}, max_length=100, required=False,
                help_text=_("ディスク上の %(file)s から計算した値を貼り付けてください。")
                % {"file": item.file_name or _("暗号化ファイル")},
            )

    def hashes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"sha256_{item.pk}", "") for item in self.hashed_items}


class CancelForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label=_("取消の理由"), max_length=300)


class StorageForm(BoundedFormMixin, forms.Form):
    place = forms.ChoiceField(label=_("保管設備"), choices=StorageRecord.Place.choices)
    location = forms.CharField(label=_("保管場所"), max_length=200,
                               help_text=_("例: 分析室 キャビネットB-2"))
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
