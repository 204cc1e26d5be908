from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin
from core.widgets import DateInput

from .models import ChecklistItem, ChecklistTemplate, Confirmation, EvidenceRequest, Mark, MeasureChange, Side


class PlanForm(BoundedFormMixin, forms.Form):
    """○/ー and the reason for ー, one pair of fields per item (named by the item's position)."""

    revision_reason = forms.CharField(
        label=_("変更の理由"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("確定後の変更は新しい版になり、理由とともに履歴に残ります。"),
    )

    def __init__(self, *args, rows, revising: bool, initial_marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.revising = revising
        if revising:
            self.fields["revision_reason"].required = True
        else:
            del self.fields["revision_reason"]
        initial_marks = initial_marks or {}
        for row in rows:
            t = row.template_item
            if row.item is not None:
                mark, reason = row.item.mark, row.item.mark_reason
            else:  # no plan saved yet: start from last year's, if there is one
                mark, reason = initial_marks.get(t.key, ("", ""))
            self.fields[f"mark_{t.position}"] = forms.ChoiceField(
                label=t.label, required=False, initial=mark, widget=forms.RadioSelect,
                # Words beside the symbols: a lone radio next to "○" or a hyphen is easy to misread.
                choices=[(Mark.PLANNED, _("○ 実施する")), (Mark.NOT_NEEDED, _("ー 不要（理由を記入）"))],
            )
            self.fields[f"reason_{t.position}"] = forms.CharField(
                label=_("「ー」の理由（%(item)s）") % {"item": t.label}, required=False, max_length=1000,
                initial=reason, widget=forms.TextInput(attrs={"class": "checklist-reason"}),
            )

    def marks(self) -> dict[str, tuple[str, str]]:
        return {
            row.template_item.key: (self.cleaned_data[f"mark_{row.template_item.position}"] or "",
                                    self.cleaned_data[f"reason_{row.template_item.position}"] or "")
            for row in self.rows
        }

    def bound_rows(self):
        """(row, mark field, reason field) for the template, in the seed's order."""
        for row in self.rows:
            position = row.template_item.position
            yield row, self[f"mark_{position}"], self[f"reason_{position}"]


ATTEST_FORM_ID = "side-attest"


class SideAttestForm(BoundedFormMixin, forms.Form):
    """Every attestation of one side on one form, saved with one button (``item-<pk>-attestation``,
    ``-note``, ``-evidence``). Fields exist for every ○ and ー item of the side, so that anything posted
    for an item reaches the service and is refused there in words; the page shows the fields only where
    the person may attest now. The inputs sit in the table rows and name the form by its id."""

    def __init__(self, *args, items, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.items = list(items)
        # Errors of an item that belong to none of its fields (an item that may not be attested now).
        self.item_errors: dict[int, list[str]] = {}
        attrs = {"form": ATTEST_FORM_ID}
        for item in self.items:
            label = item.template_item.label
            self.fields[self.name(item, "attestation")] = forms.ChoiceField(
                label=_("%(item)s の実施状況") % {"item": label}, required=False,
                initial=item.attestation if item.is_attested else "",
                widget=forms.RadioSelect(attrs=attrs),
                choices=[(ChecklistItem.Attestation.IN_PLACE, _("実施済み")),
                         (ChecklistItem.Attestation.NOT_YET, _("未実施"))],
            )
            # Not required=True: the service decides (a note, or for 実施済み evidence instead), and an item
            # left untouched is not posted at all; the page marks it 必須 and says above the table when it may
            # stay empty.
            self.fields[self.name(item, "note")] = forms.CharField(
                label=_("実施内容・未実施の理由"), required=False, max_length=2000, initial=item.note,
                widget=forms.Textarea(attrs={**attrs, "rows": 2}),
            )
            self.fields[self.name(item, "evidence")] = forms.CharField(
                label=_("根拠資料（資料名・保管場所など）"), required=False, max_length=300, initial=item.evidence,
                widget=forms.TextInput(attrs=attrs),
            )

    @staticmethod
    def name(item, part: str) -> str:
        return f"item-{item.pk}-{part}"

    def entries(self) -> dict[int, tuple[str, str, str]]:
        """What was entered, by item pk, for the items whose fields were posted at all."""
        entries = {}
        for item in self.items:
            names = [self.name(item, part) for part in ("attestation", "note", "evidence")]
            if not any(name in self.data for name in names):
                continue
            entries[item.pk] = tuple(self.cleaned_data.get(name) or "" for name in names)
        return entries

    def fields_of(self, item) -> tuple:
        return tuple(self[self.name(item, part)] for part in ("attestation", "note", "evidence"))

    def add_item_error(self, item, field: str | None, message: str) -> None:
        if field in ("attestation", "note", "evidence"):
            self.add_error(self.name(item, field), message)
        else:
            self.item_errors.setdefault(item.pk, []).append(message)

    def problems(self) -> list[dict]:
        """Every error in page order, for the summary at the top: the item, the message, where to go."""
        problems = []
        for item in self.items:
            label = item.template_item.label
            for message in self.item_errors.get(item.pk, []):
                problems.append({"label": label, "message": message, "anchor": item.template_item.anchor})
            for field in self.fields_of(item):
                for message in field.errors:
                    anchor = f"{field.auto_id}_0" if field.name.endswith("-attestation") else field.auto_id
                    problems.append({"label": label, "message": message, "anchor": anchor})
        return problems


class ReviewForm(BoundedFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[(ChecklistItem.Review.ACCEPTED, _("確認済み")),
                                          (ChecklistItem.Review.RETURNED, _("差戻し"))])
    comment = forms.CharField(label=_("コメント（差し戻すときは必須）"), required=False, max_length=2000)


def _file_field():
    from attachments.forms import evidence_file_field

    return evidence_file_field(required=False)


class ConfirmationForm(BoundedFormMixin, forms.Form):
    """One side's confirmation of one kind (items 01, 05, 12); the page shows one per kind the person records.
    The kind and side travel as hidden fields; the service refuses a pair the person may not record."""

    bounds_model = Confirmation

    kind = forms.ChoiceField(choices=Confirmation.Kind.choices, widget=forms.HiddenInput)
    side = forms.ChoiceField(choices=Side.choices, widget=forms.HiddenInput)
    confirmed_on = forms.DateField(label=_("確認日"), widget=DateInput())
    reference = forms.CharField(label=_("版・日付"), required=False, max_length=200)
    cloud_used = forms.TypedChoiceField(
        label=_("クラウドサービスの利用"), required=False, widget=forms.RadioSelect, empty_value=None,
        coerce=lambda value: value == "yes",
        choices=[("no", _("利用しない")), ("yes", _("利用する（総務省のガイドラインに沿って利用する）"))])
    note = forms.CharField(label=_("内容・備考"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    HELP = {
        Confirmation.Kind.SPECIAL_TERMS: _("契約書に付した特記事項の版か日付（例: 令和7年4月1日改定版）"),
        Confirmation.Kind.FLOW_SHARED: _("共有した業務フロー（資料2-1）の版（例: 第1版）。改めたときは新しい版で記録します。"),
        Confirmation.Kind.FLOW_ACKNOWLEDGED: _("区から共有された業務フローの版をそのまま入力します。"),
    }

    def __init__(self, *args, kind: str, side: str, **kwargs):
        kwargs.setdefault("auto_id", f"confirm-{kind}-{side}-%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(kind=kind, side=side)
        super().__init__(*args, **kwargs)
        self.kind, self.side = kind, side
        self.fields["file"] = _file_field()
        if kind in Confirmation.NEEDS_REFERENCE:
            self.fields["reference"].help_text = self.HELP[kind]
        else:
            del self.fields["reference"]
        if kind != Confirmation.Kind.CLOUD:
            del self.fields["cloud_used"]
        else:
            self.fields["note"].help_text = _("利用するときは、クラウドサービスの名称と提供事業者を書いてください。")

    @property
    def title(self) -> str:
        return Confirmation.Kind(self.kind).label

    def values(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "side": data["side"], "confirmed_on": data["confirmed_on"],
                "reference": data.get("reference", ""), "cloud_used": data.get("cloud_used"),
                "note": data.get("note", ""), "upload": data.get("file")}


class MeasureChangeForm(BoundedFormMixin, forms.Form):
    bounds_model = MeasureChange

    changed_on = forms.DateField(label=_("変更日"), widget=DateInput())
    what = forms.CharField(label=_("変更の内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    consulted_on = forms.DateField(label=_("協議日"), required=False, widget=DateInput(),
                                   help_text=_("協議がまだのときは空欄にし、協議の後に記録します。"))
    consulted_with = forms.CharField(label=_("協議の相手"), required=False, max_length=200)
    outcome = forms.CharField(label=_("協議の結果（今後の対応）"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "change-%s")
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field()


class ConsultationForm(BoundedFormMixin, forms.Form):
    bounds_model = MeasureChange

    consulted_on = forms.DateField(label=_("協議日"), widget=DateInput())
    consulted_with = forms.CharField(label=_("協議の相手"), max_length=200)
    outcome = forms.CharField(label=_("協議の結果（今後の対応）"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceRequestForm(BoundedFormMixin, forms.Form):
    bounds_model = EvidenceRequest

    item = forms.TypedChoiceField(label=_("チェック項目"), coerce=int, empty_value=None)
    asked = forms.CharField(label=_("依頼する内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("どの資料がほしいかを書いてください（例: 保管庫の施錠を示す写真）。"))
    due_on = forms.DateField(label=_("提出期限"), widget=DateInput())

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("選んでください"))] + [
            (item.pk, f"{item.template_item.label}　{item.template_item.text[:40]}") for item in items]


class EvidenceAnswerForm(BoundedFormMixin, forms.Form):
    answer = forms.CharField(label=_("回答（提出する資料の説明）"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field()


class EvidenceDecisionForm(BoundedFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("受理する")), ("send_back", _("差し戻す"))])
    reason = forms.CharField(label=_("差し戻す理由（差し戻すときは必須）"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TemplateImportForm(BoundedFormMixin, forms.Form):
    """An administrator's import of a checklist template from Excel: the type it is for (or the default), the
    list's title, why a new version, and the file."""

    bounds_model = ChecklistTemplate

    contract_type = forms.ChoiceField(label=_("委託の種類"), required=False,
                                      help_text=_("「既定」は、ひな形を持たない種類すべてが使う版です。"))
    title = forms.CharField(label=_("表題"), max_length=200,
                            help_text=_("チェックリストの一番上に印刷されます。"))
    subtitle = forms.CharField(label=_("副題"), required=False, max_length=200)
    change_note = forms.CharField(label=_("改版の理由"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("例: 生成AIサービスの利用についての項目を追加"))
    file = forms.FileField(label=_("ひな形の Excel ファイル（.xlsx）"),
                           help_text=_("1行目に 区分・側・番号・キー・文言・裏付け の見出し、2行目から項目を書いたシート"
                                       "（シート名「項目」、なければ最初のシート）。"))

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.types = {str(t.pk): t for t in types}
        self.fields["contract_type"].choices = [("", _("既定（種類ごとのひな形がない場合）"))] + [
            (str(t.pk), t.name) for t in types]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def clean_contract_type(self):
        value = self.cleaned_data.get("contract_type") or ""
        return self.types.get(value) if value else None


class TemplatePublishForm(BoundedFormMixin, forms.Form):
    """Publish a draft version: nothing to fill in but the confirmation."""

    confirm = forms.BooleanField(label=_("この版を公開し、これから計画を作る契約に使います"))
