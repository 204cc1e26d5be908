"""``{% attachment_list obj %}`` and ``{% attachment_form obj slot %}``: a record's evidence files on the
record's own page, and the form that adds the next version. What each person sees and may do is the
record's rule in attachments.registry (may_view, may_attach), the same one the views and services ask."""

import re

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.bounds import file_size_text

from .. import registry, selectors
from ..forms import UploadForm

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _rules(obj):
    if obj is None or getattr(obj, "pk", None) is None:
        return None
    return registry.target_for(obj)


@register.filter
def file_size(size) -> str:
    try:
        return file_size_text(int(size))
    except (TypeError, ValueError):
        return ""


@register.inclusion_tag("attachments/list.html", takes_context=True)
def attachment_list(context, obj, slot=None, caption=""):
    """Every version of ``obj``'s files (in ``slot``, or all), newest first, for whoever may see ``obj``."""
    rules = _rules(obj)
    user = _user(context)
    allowed = rules is not None and user is not None and bool(rules.may_view(user, obj))
    files = list(selectors.files_for(obj, slot)) if allowed else []
    latest = {}
    for file in files:
        latest.setdefault(file.slot, file.pk)
    rows = [{"file": file, "latest": latest[file.slot] == file.pk,
             "url": reverse("attachments:download", args=[file.pk])} for file in files]
    return {"allowed": allowed, "rows": rows, "caption": caption}


@register.inclusion_tag("attachments/form.html", takes_context=True)
def attachment_form(context, obj, slot="", label=""):
    """The form adding the next version of ``obj``'s file in ``slot``, shown only to who may attach."""
    rules = _rules(obj)
    user = _user(context)
    if rules is None or user is None or not rules.may_attach(user, obj):
        return {"shown": False}
    slot = str(slot or "")
    request = context.get("request")
    content_type = ContentType.objects.get_for_model(type(obj))
    prefix = f"evidence-{content_type.pk}-{obj.pk}-{re.sub(r'[^A-Za-z0-9_-]', '', slot) or 'file'}"
    form = UploadForm(initial={"slot": slot, "next": request.get_full_path() if request else ""},
                      auto_id=f"{prefix}-%s")
    if label:
        form.fields["file"].label = label
    latest = selectors.latest_for(obj, slot)
    return {"shown": True, "form": form, "csrf_token": context.get("csrf_token"), "prefix": prefix,
            "action": reverse("attachments:upload", args=[content_type.pk, obj.pk]),
            "next_version": (latest.version + 1) if latest else 1}
