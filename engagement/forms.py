import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin
from handover.models import MediumKind

from . import risk
from .mapping import ROLE_LABELS, SOURCE_LABELS, ColumnSpec, Mapping, Role, Source
from .package import SCHEME_LINKABLE, SCHEME_PER_PACKAGE
from .reading import normalise_text

ACCEPT = ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SCALE_SPAN = 100
MAX_CHOICES = 50
_RANGE = re.compile(r"^(-?\d+)\s*[-〜~～]\s*(-?\d+)$")
_CHOICE_SEPARATORS = re.compile(r"[|｜/／、,，]")
FREE_TEXT_WORDS = {"", "自由記述", "text", "free", "自由"}


class UploadForm(BoundedFormMixin, forms.Form):
    survey = forms.FileField(
        label=_("LoGoフォームの回答ファイル"),
        help_text=_("LoGoフォームから書き出したCSV（UTF-8またはShift_JIS）かExcel（.xlsx）。1行目が見出しのもの。"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    master = forms.FileField(
        label=_("職員属性マスタ（任意）"), required=False,
        help_text=_("回答ファイルにない所属・職名・年齢などを、職員番号で突き合わせて加えます（CSVかExcel）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


def parse_allowed(text: str) -> tuple[str, ...]:
    """What HR types for an answer column: 「1〜5」, 「はい／いいえ」 or 「自由記述」 (empty is free text)."""
    value = normalise_text(text or "")
    if value.casefold() in FREE_TEXT_WORDS:
        return ()
    match = _RANGE.match(value)
    if match:
        low, high = int(match[1]), int(match[2])
        if low > high or high - low > MAX_SCALE_SPAN:
            raise forms.ValidationError(gettext("値の範囲「%(text)s」が正しくありません（例: 1〜5）。") % {"text": text})
        return tuple(str(n) for n in range(low, high + 1))
    choices = tuple(dict.fromkeys(v.strip() for v in _CHOICE_SEPARATORS.split(value) if v.strip()))
    if len(choices) > MAX_CHOICES:
        raise forms.ValidationError(gettext("選択肢は%(max)s個までにしてください。") % {"max": MAX_CHOICES})
    return choices


class MappingForm(BoundedFormMixin, forms.Form):
    """One role per column (and, for an answer, its allowed values and whether it is required)."""

    def __init__(self, *args, mapping: Mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = list(mapping.columns)
        roles = [(str(role), ROLE_LABELS[role]) for role in Role]
        for index, spec in enumerate(self.specs):
            self.fields[f"role_{index}"] = forms.ChoiceField(
                label=_("「%(header)s」の役割") % {"header": spec.header}, choices=roles, initial=str(spec.role))
            self.fields[f"allowed_{index}"] = forms.CharField(
                label=_("「%(header)s」の回答の値") % {"header": spec.header}, required=False, max_length=300,
                initial=spec.allowed_label if spec.role == Role.ANSWER else "")
            self.fields[f"required_{index}"] = forms.BooleanField(
                label=_("「%(header)s」は必須") % {"header": spec.header}, required=False, initial=spec.required)

    def rows(self):
        """For the template: each column with its three fields."""
        for index, spec in enumerate(self.specs):
            yield {"spec": spec, "source": SOURCE_LABELS[spec.source], "master": spec.source == Source.MASTER,
                   "role": self[f"role_{index}"], "allowed": self[f"allowed_{index}"],
                   "required": self[f"required_{index}"], "index": index}

    def clean(self):
        cleaned = super().clean()
        for index, spec in enumerate(self.specs):
            role = cleaned.get(f"role_{index}")
            if role == Role.ANSWER and spec.source == Source.MASTER:
                self.add_error(f"role_{index}", gettext("職員属性マスタの列は回答にできません。属性か「使わない」にしてください。"))
            if role == Role.ANSWER and f"allowed_{index}" in cleaned:
                try:
                    cleaned[f"allowed_{index}"] = parse_allowed(cleaned[f"allowed_{index}"])
                except forms.ValidationError as error:
                    self.add_error(f"allowed_{index}", error)
        return cleaned

    def mapping(self) -> Mapping:
        columns = []
        for index, spec in enumerate(self.specs):
            role = Role(self.cleaned_data[f"role_{index}"])
            allowed = self.cleaned_data.get(f"allowed_{index}") if role == Role.ANSWER else None
            required = role == Role.KEY or (role == Role.ANSWER and bool(self.cleaned_data.get(f"required_{index}")))
            columns.append(ColumnSpec(header=spec.header, role=role, source=spec.source,
                                      allowed=tuple(allowed) if isinstance(allowed, tuple) else None,
                                      required=required))
        return Mapping(tuple(columns))


def parse_department_map(text: str) -> dict[str, str]:
    """「総務部人事課,総務部」 one per line (a tab, → or = also separates)."""
    result = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [normalise_text(p) for p in re.split(r"[,，\t=＝→]", line, maxsplit=1)]
        if len(parts) != 2 or not all(parts):
            raise forms.ValidationError(
                gettext("%(line)s行目: 「所属名,上位の部」の形で書いてください。") % {"line": number})
        result[parts[0]] = parts[1]
    return result


def format_department_map(mapping: dict[str, str]) -> str:
    return "\n".join(f"{name},{parent}" for name, parent in mapping.items())


class RiskForm(BoundedFormMixin, forms.Form):
    """The quasi-identifiers, k, one generalisation per attribute, suppression, the department table."""

    quasi = forms.MultipleChoiceField(label=_("準識別子（組み合わせると個人を推測できる列）"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    k = forms.IntegerField(label=_("k（同じ組合せの人数の下限）"), min_value=2, max_value=100,
                           help_text=_("どの組合せにも少なくともk人がいるようにします。通常は5。"))
    suppress = forms.BooleanField(label=_("それでもk人に満たない記録は、準識別子のセルを秘匿する（最後の手段）"),
                                  required=False)
    department_map = forms.CharField(
        label=_("所属の対応表（任意）"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("所属を上位の部にまとめるとき、名前から分からないものを1行に1つ「所属名,上位の部」で書きます。"))

    def __init__(self, *args, attributes: list[str], kinds: dict[str, risk.Kind], k: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.attributes = attributes
        self.kinds = kinds
        self.fields["quasi"].choices = [(h, h) for h in attributes]
        self.ladders = {}
        for index, header in enumerate(attributes):
            ladder = risk.ladder(header, kinds[header], k)
            self.ladders[header] = ladder
            self.fields[f"g_{index}"] = forms.TypedChoiceField(
                label=_("「%(header)s」の一般化") % {"header": header}, coerce=int, required=False, empty_value=0,
                choices=[(i, g.describe() if i else gettext("そのまま")) for i, g in enumerate(ladder)])

    def generalisation_fields(self):
        for index, header in enumerate(self.attributes):
            yield header, self[f"g_{index}"]

    def clean_department_map(self):
        return parse_department_map(self.cleaned_data.get("department_map", ""))

    def plan(self) -> list[risk.Generalisation]:
        k = self.cleaned_data["k"]
        plan = []
        for index, header in enumerate(self.attributes):
            rung = self.cleaned_data.get(f"g_{index}") or 0
            ladder = risk.ladder(header, self.kinds[header], k)
            if 0 < rung < len(ladder):
                plan.append(ladder[rung])
        return plan


def rung_of(g: risk.Generalisation, ladder: list[risk.Generalisation]) -> int:
    """The position of a saved generalisation on the column's ladder (k may have changed since)."""
    for index, step in enumerate(ladder):
        if (step.band, step.lift, bool(step.rare)) == (g.band, g.lift, bool(g.rare)):
            return index
    return 0


class ReviewForm(BoundedFormMixin, forms.Form):
    mask = forms.MultipleChoiceField(label=_("■でマスクする箇所"), required=False,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mask"].choices = [(key, key) for key in keys]


class BuildForm(BoundedFormMixin, forms.Form):
    medium_kind = forms.ModelChoiceField(label=_("記録媒体の種類"), queryset=MediumKind.objects.all(),
                                         empty_label=None)
    medium_label = forms.CharField(label=_("記録媒体の管理番号"), max_length=50,
                                   help_text=_("ディスクに書く番号。管理簿にこの番号で登録します。"))
    notice_label = forms.CharField(label=_("パスワード通知書の管理番号"), max_length=50, required=False,
                                   help_text=_("空欄なら「PN-」＋記録媒体の管理番号。"))
    pseudonyms = forms.ChoiceField(
        label=_("仮名ID"), widget=forms.RadioSelect, initial=SCHEME_PER_PACKAGE,
        choices=[(SCHEME_PER_PACKAGE, _("このパッケージ限り（作成後に鍵を破棄し、職員番号に戻せない）")),
                 (SCHEME_LINKABLE, _("年度をまたいで照合できる（鍵は区がこのアプリで暗号化して保管。パッケージには含まない）"))])
    below_k_reason = forms.CharField(
        label=_("k未満のまま作成する理由"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("k匿名性に届かないときだけ。理由はパッケージの作成情報シートとパッケージの記録に残ります。"))


class NoticeForm(BoundedFormMixin, forms.Form):
    password = forms.CharField(label=_("パスワード"), max_length=100, widget=forms.HiddenInput)


class DiscardForm(BoundedFormMixin, forms.Form):
    pass
