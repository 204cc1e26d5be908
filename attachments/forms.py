"""The file field other apps put on their forms, and the small upload form of the template tag."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.bounds import BoundedFormMixin

from . import content


class EvidenceFileInput(forms.ClearableFileInput):
    """A file input that offers a phone's camera and photos as well as documents."""

    def __init__(self, attrs=None):
        super().__init__({"accept": content.ACCEPT, **(attrs or {})})


class EvidenceFileField(forms.FileField):
    widget = EvidenceFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", gettext_lazy("添付資料"))
        kwargs.setdefault("help_text", content.limits_text())
        kwargs.setdefault("error_messages", {"required": gettext_lazy("ファイルを選んでください。"),
                                             "empty": gettext_lazy("ファイルが空です（0バイト）。中身のあるファイルを選んでください。"),
                                             "invalid": gettext_lazy("ファイルを選んでください。")})
        super().__init__(*args, **kwargs)


def evidence_file_field(required: bool = False, **kwargs) -> EvidenceFileField:
    """A ``forms.FileField`` for an evidence file, its limits in its help text; pass the cleaned value to
    ``attachments.services.attach(upload=...)``, which checks the content (a field only sees the name)."""
    return EvidenceFileField(required=required, **kwargs)


class UploadForm(BoundedFormMixin, forms.Form):
    """The form of ``{% attachment_form obj slot %}`` (posted to attachments:upload)."""

    slot = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    next = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)
    file = evidence_file_field(required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("ファイル")
