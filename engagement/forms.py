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


USE_QUASI = "quasi"
USE_DROP = "drop"
USE_KEEP = "keep"
USE_CHOICES = [(USE_QUASI, _("kに含める（準識別子）")), (USE_DROP, _("パッケージから外す")),
               (USE_KEEP, _("識別に使えない列として残す（理由を書く）"))]


class RiskForm(BoundedFormMixin, forms.Form):
    """Per attribute: counted for k, dropped from the package, or kept as not identifying with a reason
    (every attribute column that leaves counts for k otherwise); k, one generalisation per attribute,
    suppression and its limit, the department table."""

    k = forms.IntegerField(label=_("k（同じ組合せの人数の下限）"), min_value=2, max_value=100,
                           help_text=_("どの組合せにも少なくともk人がいるようにします。通常は5。"))
    suppress = forms.BooleanField(label=_("それでもk人に満たない記録は、準識別子のセルを秘匿する（最後の手段）"),
                                  required=False)
    max_suppression = forms.IntegerField(
        label=_("秘匿の上限（記録の%）"), min_value=0, max_value=50, initial=5, required=False,
        help_text=_("秘匿してよい記録の割合の上限。5%を超えるときは理由が必要です。"))
    suppression_reason = forms.CharField(
        label=_("秘匿の上限を5%より上げる理由"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("理由はパッケージの作成情報シートと記録に残ります。"))
    department_map = forms.CharField(
        label=_("所属の対応表（任意）"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("所属を上位の部にまとめるとき、名前から分からないものを1行に1つ「所属名,上位の部」で書きます。"))

    def __init__(self, *args, attributes: list[str], kinds: dict[str, risk.Kind], k: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.attributes = attributes
        self.kinds = kinds
        self.ladders = {}
        for index, header in enumerate(attributes):
            self.fields[f"use_{index}"] = forms.ChoiceField(
                label=_("「%(header)s」の扱い") % {"header": header}, choices=USE_CHOICES, initial=USE_QUASI,
                widget=forms.RadioSelect, required=False)  # not sent: counted for k, the safe side
            self.fields[f"reason_{index}"] = forms.CharField(
                label=_("「%(header)s」が識別に使えない理由") % {"header": header}, max_length=300, required=False,
                help_text=_("パッケージの作成情報シートと作成の記録に、列名とともに残ります（値は残りません）。"))
            ladder = risk.ladder(header, kinds[header], k)
            self.ladders[header] = ladder
            self.fields[f"g_{index}"] = forms.TypedChoiceField(
                label=_("「%(header)s」の一般化") % {"header": header}, coerce=int, required=False, empty_value=0,
                choices=[(i, g.describe() if i else gettext("そのまま")) for i, g in enumerate(ladder)])

    def generalisation_fields(self):
        for index, header in enumerate(self.attributes):
            yield header, self[f"g_{index}"]

    def use_fields(self):
        for index, header in enumerate(self.attributes):
            yield header, self[f"use_{index}"], self[f"reason_{index}"]

    def clean(self):
        cleaned = super().clean()
        for index, header in enumerate(self.attributes):
            if cleaned.get(f"use_{index}") == USE_KEEP and not (cleaned.get(f"reason_{index}") or "").strip():
                self.add_error(f"reason_{index}", gettext("「%(header)s」を識別に使えない列として残すには、理由を書いてください。")
                               % {"header": header})
        if cleaned.get("max_suppression") is None and "max_suppression" not in self.errors:
            cleaned["max_suppression"] = 5
        limit = cleaned.get("max_suppression")
        if limit is not None and limit > 5 and not (cleaned.get("suppression_reason") or "").strip():
            self.add_error("suppression_reason", gettext("秘匿の上限を5%より上げるときは、理由を書いてください。"))
        return cleaned

    def columns(self) -> tuple[list[str], list[str], dict[str, str]]:
        """The attributes counted for k, the ones dropped, and the ones kept as not identifying (with reasons)."""
        quasi, dropped, kept = [], [], {}
        for index, header in enumerate(self.attributes):
            use = self.cleaned_data.get(f"use_{index}") or USE_QUASI
            if use == USE_DROP:
                dropped.append(header)
            elif use == USE_KEEP:
                kept[header] = self.cleaned_data[f"reason_{index}"].strip()
            else:
                quasi.append(header)
        return quasi, dropped, kept

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
