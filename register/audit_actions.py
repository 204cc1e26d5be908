"""How the register's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import count, format_name, text

LABELS = {
    # The register names contracts, sections and companies and counts people, never a person: not a
    # personal-data download, but every export is still in the trail.
    "register.exported": gettext_lazy("委託一覧を出力"),
}

GROUPS = {"register.": gettext_lazy("委託一覧")}


def _exported(payload, context) -> str:
    sentence = _("%(format)sで出力（%(rows)s）") % {"format": format_name(payload.get("format", "xlsx")),
                                                  "rows": count(payload.get("rows"))}
    if payload.get("filters"):
        sentence += _("。絞り込み: %(filters)s") % {"filters": text(payload.get("filters"), 200)}
    if payload.get("summary_year"):
        sentence += _("。年次集計: %(year)s") % {"year": text(payload.get("summary_year"), 20)}
    return sentence


DETAILS = {"register.exported": _exported}
