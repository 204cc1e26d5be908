"""One tag draws a record's status badge: ``{% status_badge obj %}`` gives ``<span class="badge TONE">LABEL</span>``.

The protocol: a record whose state is shown as a badge has a property ``status_badge`` returning a
``core.badges.Badge(label, tone)``, tone one of "ok", "warn", "danger" or "" (a plain badge). The usual shape
is a map of tones beside the states and a one-line property::

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("確認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("受理")

    STATUS_TONES = {Status.SUBMITTED: "warn", Status.RETURNED: "danger", Status.ACCEPTED: "ok"}

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_status_display(), self.STATUS_TONES.get(self.status, ""))

A state missing from the map is drawn as a plain badge. Where the words or the tone depend on more than
the field (a contract past its end, an upload past its retention), the property says so; it is still the
one place that decides.

Variants of the tag:

- ``{% status_badge item "review" %}`` reads ``item.review_badge``: a record with more than one state
  (a checklist item's attestation and its review) has one ``<name>_badge`` property per state.
- ``{% status_badge handover label=row.acknowledgement %}``: the record's tone with the page's own words
  (the ledger's acknowledgement column says who and when, coloured by the handover's status).

The review workflow (submit, then accept or send back) declares ``status_badge`` once, from its
states' tones, wherever it keeps the states (a mixin or base of the reviewed models); each model that
goes through it then draws its badge with ``{% status_badge obj %}`` and nothing else. A model whose
states differ overrides the map (a checklist side's "locked" is "ok").

Why a property on the model rather than a registry keyed by model label filled in each
``AppConfig.ready``: the tone belongs next to the states it colours, so whoever adds a state sees the
map two lines below it; there is nothing to register or to forget to register, no lookup by label, and
the tag (on the ground floor) never needs to know a model of the project. Anything with the property
can be drawn, a model or not, which is all the review workflow needs to share it.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def status_badge(obj, which: str = "status", label=None):
    """``<span class="badge TONE">LABEL</span>`` for ``obj.<which>_badge``; ``label`` replaces its words."""
    badge = getattr(obj, f"{which}_badge")
    css = f"badge {badge.tone}" if badge.tone else "badge"
    return format_html('<span class="{}">{}</span>', css, badge.label if label is None else label)
