from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ChecklistItem, Mark


class PlanForm(forms.Form):
    """○/ー and the reason for ー, one pair of fields per item (named by the item's position)."""

    revision_reason = forms.CharField(
        label=_("変更の理由"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("確定後の変更は新しい版になり、理由とともに履歴に残ります。"),
    )

    def __init__(self, *args, rows, side_views, revising: bool, initial_marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.revising = revising
        if revising:
            self.fields["revision_reason"].required = True
        else:
            del self.fields["revision_reason"]
        initial_marks = initial_marks or {}
        no_marks = {view.side: view.no_mark for view in side_views}
        for row in rows:
            t = row.template_item
            if row.item is not None:
                mark, reason = row.item.mark, row.item.mark_reason
            else:  # no plan saved yet: start from last year's, if there is one
                mark, reason = initial_marks.get(t.key, ("", ""))
            self.fields[f"mark_{t.position}"] = forms.ChoiceField(
                label=t.label, required=False, initial=mark, widget=forms.RadioSelect,
                choices=[(Mark.PLANNED, "○"), (Mark.NOT_NEEDED, no_marks.get(t.side, "ー"))],
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


class AttestForm(forms.Form):
    attestation = forms.ChoiceField(
        label=_("実施状況"), widget=forms.RadioSelect,
        choices=[(ChecklistItem.Attestation.IN_PLACE, _("実施済み")),
                 (ChecklistItem.Attestation.NOT_YET, _("未実施"))],
    )
    note = forms.CharField(label=_("実施内容・未実施の理由"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("根拠資料（資料名・保管場所など）"), required=False, max_length=300)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[(ChecklistItem.Review.ACCEPTED, _("確認済み")),
                                          (ChecklistItem.Review.RETURNED, _("差戻し"))])
    comment = forms.CharField(label=_("コメント（差し戻すときは必須）"), required=False, max_length=2000)
