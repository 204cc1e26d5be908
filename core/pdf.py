"""The one PDF layer: every document the app prints (the checklist, the ledger, the council submission, the
deletion report, the password notice) is a Django template rendered here to A4 by WeasyPrint, with an
embedded Japanese font from Debian's packages and one base stylesheet.

- The font: BIZ UD Gothic, or IPAex Gothic. Noto Sans CJK is deliberately not used: WeasyPrint takes
  about fifteen times longer with it.
- Tables: ``table-layout: fixed`` with set column widths (``<col>`` widths in mm), always. WeasyPrint's
  automatic layout measures every CJK character as a possible break to find each column's width.
- Lines inside a cell: one text with newlines kept by ``white-space: pre-line`` rather than an element
  per line; WeasyPrint's time grows with the number of elements it styles (``<br>`` between the lines
  takes 30% longer on the checklist).
- What a document costs follows the number of lines and table cells it lays out, not its CSS: about
  0.6 ms per line of the app's documents all in, 0.4 ms for a short cell. Measured on those documents,
  ``border-collapse``, ``break-inside: avoid``, the page-number margin box, ``overflow-wrap``,
  ``word-break``/``line-break``, hyphenation and ``lang``, font features and kerning each change the
  time by less than 5%, so the documents keep them where they read better. Bold is the exception:
  synthetic or from the Bold file, it is a second font to shape, subset and embed (5-10% of a one-page
  document), so headings are set apart by size, not weight.
- Every page stands on its own: a document puts its name and the contract's in a ``<p class="running">``
  (first in the body, or first in each part that is a document of its own), which prints in the top margin
  of its page and of every page after it until the next one (WeasyPrint's ``position: running()``); table
  headers are ``<thead>``, which WeasyPrint repeats on every page the table runs over.
- Text reads back as written: no ``letter-spacing`` (a copy or a search of the PDF gets a space between the
  spaced characters; set headings apart by size and margins), and an identifier (a certificate or medium
  number such as PTMDS-2026-0224) never breaks at its hyphens: ``{{ text|keep_ids }}`` (``core.templatetags.jp``)
  puts each in a ``<span class="id">`` that does not wrap.
- The base stylesheet gives the shared pieces (``.sheet`` pages, ``p.attachment`` 別紙/資料 labels,
  ``table.fields`` label/value tables, ``table.seals`` seal boxes); a document adds only its own rules
  as ``extra_css``. Each stylesheet is parsed once per process.
"""

import atexit
import gc
from contextlib import contextmanager
from functools import cache, lru_cache
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
  @top-left {{ content: element(running); width: 100%; vertical-align: bottom; padding-bottom: 2mm; }}
  @bottom-center {{ content: counter(page) " / " counter(pages); font-family: "DocumentGothic";
                    font-size: 8pt; }}
}}
p.running {{ position: running(running); margin: 0; font-size: 8pt; color: #333; white-space: nowrap;
             overflow: hidden; }}
span.id {{ white-space: nowrap; }}
html {{ font-family: "DocumentGothic"; font-size: 9pt; line-height: 1.45; color: #000; }}
/* The page's margins are the @page's: the documents' widths in mm add up to the 186 mm between them. */
body {{ margin: 0; }}
h1 {{ font-size: 14pt; font-weight: normal; text-align: center; margin: 0 0 4mm; }}
h2 {{ font-size: 11pt; font-weight: normal; margin: 5mm 0 2mm; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th, td {{ border: 0.6pt solid #000; padding: 1.2mm 1.5mm; vertical-align: top;
          overflow-wrap: anywhere; }}
th {{ background: #e8e8e8; font-weight: normal; }}
.meta td, .meta th {{ border: none; padding: 0.5mm 1mm; }}
.center {{ text-align: center; }}
.right {{ text-align: right; }}
.seals {{ width: 60%; margin-left: 40%; margin-top: 6mm; break-inside: avoid; }}
.seals th {{ height: 6mm; text-align: center; }}
.seals td {{ height: 20mm; }}
.muted {{ color: #444; font-size: 8pt; }}
.sheet + .sheet {{ break-before: page; }}
p.attachment {{ text-align: right; margin: 0 0 2mm; }}
p.subtitle {{ text-align: center; margin: 0 0 3mm; }}
table.fields th {{ text-align: left; }}
table.fields td {{ white-space: pre-line; }}
"""


@lru_cache(maxsize=32)
def _stylesheet(extra_css: str):
    """The base stylesheet with a document's own rules, parsed once (documents pass constant strings)."""
    from weasyprint import CSS

    return CSS(string=base_css() + extra_css, font_config=_font_config())


@atexit.register
def _release_fonts():
    # The font configuration removes its temporary folder when it is deleted; deleted during the
    # interpreter's own teardown, it finds its helpers gone and prints an error on every command.
    _stylesheet.cache_clear()
    _font_config.cache_clear()


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while WeasyPrint lays a document out.

    A render allocates some millions of short-lived objects, and each full collection they trigger walks
    every object of the process (Django, its apps, their caches): tens of milliseconds each, several
    times per document. Reference counting still frees what the render drops; the collector takes the
    rest when it runs again. Left alone if something else had paused it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    """Render a Django template to A4 PDF bytes with the Japanese font embedded."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    with _collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=[_stylesheet(extra_css)], font_config=_font_config()
        )
