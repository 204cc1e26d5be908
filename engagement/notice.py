"""The password notice (パスワード通知書): one A4 page that travels separately from the disc.

Made once, streamed to whoever asked for it and never stored: the app keeps that it was printed, by
whom and when (the caller's audit entry), not the page nor the password. A lost notice means a new
package with a new password.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone

from core.dates import era_year, fiscal_year_label, wareki
from core.pdf import PDF_CONTENT_TYPE, font_path, render_pdf
from handover.rules import SEPARATION_RULE

from .package import Package, password_groups

# A font whose Latin letters and digits all have one width, so that the password's groups line up and
# no character can be taken for two. BIZ UDゴシック's half-width glyphs are fixed-width (UD: designed
# to be told apart); DejaVu Sans Mono is the fallback on machines without it.
MONO_FONTS = (
    "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
)
_UNSAFE_NAME = re.compile(r"[^0-9A-Za-z._-]+")


def _mono_css() -> str:
    for candidate in MONO_FONTS:
        path = Path(candidate)
        if path == font_path():
            # The document's own font is this face already (``.mono`` falls back to it): a second name
            # for the same file would be a second font to subset and embed.
            return ""
        if path.exists():
            return f'@font-face {{ font-family: "NoticeMono"; src: url("{path.as_uri()}"); }}\n'
    return ""


NOTICE_CSS = """
.notice-meta { margin-top: 6mm; }
.notice-meta th { width: 32mm; text-align: left; }
.mono { font-family: "NoticeMono", "DocumentGothic", monospace; }
.sha { font-size: 9.5pt; letter-spacing: 0.5pt; }
.password { margin: 8mm 0 4mm; border: 1.2pt solid #000; }
.password th { font-size: 10pt; text-align: left; }
.password td { font-family: "NoticeMono", "DocumentGothic", monospace; font-size: 30pt; text-align: center;
               letter-spacing: 2pt; padding: 5mm 1mm; white-space: nowrap; }
.groups td { font-size: 8pt; text-align: center; border: none; padding: 0; }
.notes { margin-top: 4mm; }
.notes li { margin-bottom: 1mm; }
.seals tr.date td { height: 7mm; }
"""


def notice_filename(medium_label: str) -> str:
    return f"password_notice_{_UNSAFE_NAME.sub('_', medium_label).strip('_') or 'medium'}.pdf"


def notice_pdf(*, contract, package: Package, medium_label: str, notice_label: str = "",
               created_on: dt.date | None = None, handed_over_on: dt.date | None = None) -> tuple[str, str, bytes]:
    """The notice as ``(filename, content_type, bytes)``.

    ``contract`` is a :class:`contracts.models.Contract` (its title, fiscal year and contractor are
    printed: the title repeats every year, so the year is always beside it). ``created_on`` is the day it
    is printed (作成日); ``handed_over_on`` the day the ledger says the notice was handed over (交付日),
    None while it has not been: the line is left for the date to be written by hand on the day.
    """
    created_on = created_on or timezone.localdate()
    groups = password_groups(package.password)
    sha = package.sha256
    content = render_pdf("engagement/notice_pdf.html", {
        "contract_title": contract.title,
        "fiscal_year": fiscal_year_label(contract.fiscal_year),
        "contractor": str(contract.contractor) if getattr(contract, "contractor_id", None) else "",
        "medium_label": medium_label,
        "notice_label": notice_label,
        "file_name": package.filename,
        "sha256_lines": [sha[i:i + 32] for i in range(0, len(sha), 32)],
        "rows": f"{package.rows:,}",
        "created_on": wareki(created_on),
        "handed_over_on": wareki(handed_over_on) if handed_over_on else "",
        # The era of the day it is made, then room to write the year, month and day by hand.
        "handed_over_blank": f"{era_year(created_on)[0]}　　年　　月　　日",
        "groups": groups,
        "group_numbers": range(1, len(groups) + 1),
        "length": len(package.password),
        "rule": SEPARATION_RULE,
    }, extra_css=_mono_css() + NOTICE_CSS)
    return notice_filename(medium_label), PDF_CONTENT_TYPE, content
