from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin

from .models import ImportKind


class UploadForm(BoundedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("取り込むもの"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(label=_("ファイル"), help_text=_("CSV（UTF-8またはShift_JIS）かExcel（.xlsx）。1行目は見出しの行です。"))


class ConfirmForm(BoundedFormMixin, forms.Form):
    """Nothing to fill in: the file is the one the preview was made from (its SHA-256 in the address)."""
