"""A4 PDFs with WeasyPrint and an embedded Japanese font from Debian's packages.

Noto Sans CJK is deliberately not used: WeasyPrint takes about fifteen times longer with it.
Tables in documents use ``table-layout: fixed`` with set widths, since the automatic layout measures
every CJK character as a possible break.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"


@cache
def font_path() -> Path:
    for candidate in settings.PDF_FONT_FILES:
        path = Path(candidate)
        if path.exists():
            return path
    raise ImproperlyConfigured(
        "No Japanese font for PDFs: install fonts-morisawa-bizud-gothic or fonts-ipaexfont-gothic "
        "(make setup does)."
    )


@cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def base_css() -> str:
    return f"""
@font-face {{ font-family: "DocumentGothic"; src: url("{font_path().as_uri()}"); }}
@page {{
  size: A4; margin: 15mm 12mm 18mm 12mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-family: "DocumentGothic";
                    font-size: 8pt; }}
}}
html {{ font-family: "DocumentGothic"; font-size: 9pt; line-height: 1.45; color: #000; }}
h1 {{ font-size: 14pt; text-align: center; margin: 0 0 4mm; }}
h2 {{ font-size: 11pt; margin: 5mm 0 2mm; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th, td {{ border: 0.6pt solid #000; padding: 1.2mm 1.5mm; vertical-align: top;
          overflow-wrap: anywhere; }}
th {{ background: #e8e8e8; font-weight: normal; }}
.meta td, .meta th {{ border: none; padding: 0.5mm 1mm; }}
.center {{ text-align: center; }}
.right {{ text-align: right; }}
.seals {{ width: 60%; margin-left: 40%; margin-top: 6mm; }}
.seals th {{ height: 6mm; text-align: center; }}
.seals td {{ height: 20mm; }}
.muted {{ color: #444; font-size: 8pt; }}
"""


def render_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    """Render a Django template to A4 PDF bytes with the Japanese font embedded."""
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context)
    stylesheets = [CSS(string=base_css() + extra_css, font_config=_font_config())]
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=stylesheets, font_config=_font_config()
    )
