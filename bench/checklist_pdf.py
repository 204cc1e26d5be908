"""Time to render the app's PDFs (core.pdf) beside bare WeasyPrint rendering a fixed-layout table of the
same items with the same font, and their ratio "app / fixed".

    DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/checklist_pdf.py

Runs on its own throwaway SQLite database in a temporary directory (migrate, load_demo), on the demo's
FY2025 contract (the plan finalised, all 48 items ○, the year's handovers).

- checklist: the whole exporter, ``checklist.exports.checklist_pdf(contract, "both")`` — the queries, the
  template, WeasyPrint through ``core.pdf.render_pdf``.
- council submission: ``contracts.council.council_submission_pdf(contract)`` — 付議事項, 事業の概要, the
  委託 table, 資料2-1 and both checklists with the plan.
- ledger: ``handover.exports.ledger_pdf`` for the contract's handovers, as ``export_ledger`` writes it.
- deletion report: ``handover.deletion.deletion_report_pdf`` for the contract's latest 消去報告書.

The reference ("fixed") is bare WeasyPrint: a plain two-column ``<table>`` with ``table-layout: fixed``
and set widths, the 48 items with their ○ (for the ledger and the deletion report, each row's cells joined in one column), the
same font file through one ``@font-face``, nothing else. Target: app / fixed at most 1.5 for each.

The documents print more than that reference (the checklist: what was done and reviewed under each item; the
council submission: four more pages; the ledger and the report: their headings, parties and column heads),
and WeasyPrint's time follows the lines and cells it lays out. So each document is also measured against
"same-content fixed": the same bare two-column table holding all of the document's own text (each table row
as its first cell and the rest joined, each paragraph or heading as a row), which isolates what the
document's layout costs beyond its text. Both ratios are printed, each with OK or OVER TARGET, and the
content of each document and of its reference (characters, cells, pages).

For information the checklist also shows bare WeasyPrint with the automatic table layout ("plain"),
which takes several times as long as the fixed table.

For information, each document's own HTML and stylesheet are also rendered by bare WeasyPrint ("bare"):
app / bare is what the app adds to WeasyPrint (queries, template, core.pdf), bare / fixed what the
document holds beyond the 48 items (for the checklist, what was done and reviewed; for the council
submission, four more pages).

The times are CPU time of this process (``time.process_time``): rendering is single-threaded work, and on
a shared machine the wall clock mostly measures the other programs. Every render, the app's and the
references', starts with the garbage collected and runs with the cyclic collector paused (see ``timed``).
Each is warmed up once, then all are timed alternately; medians are printed.
"""

import gc
import html
import os
import statistics
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="checklist-bench-")
os.environ["DJANGO_VAR_DIR"] = _tmp.name
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Other apps' demo data sends notification e-mails; keep them off the benchmark's output.
os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

RUNS = 15
TARGET = 1.5


def table_renderer(rows: list[tuple[str, str]], *, fixed: bool):
    """Bare WeasyPrint: one two-column table of ``rows``, the app's font and nothing else."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from core.pdf import font_path

    font_config = FontConfiguration()
    css_text = f'@font-face {{ font-family: "Bench"; src: url("{font_path().as_uri()}"); }}\n' \
               'html { font-family: "Bench"; }\n'
    colgroup = ""
    if fixed:
        css_text += ("@page { size: A4; margin: 15mm 12mm; } html { font-size: 9pt; }\n"
                     "table { width: 100%; border-collapse: collapse; table-layout: fixed; }\n"
                     "col.mark { width: 24mm; } td { border: 0.6pt solid #000; padding: 1.2mm 1.5mm; }\n")
        colgroup = '<colgroup><col class="mark"><col></colgroup>'
    body = "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>" for a, b in rows)
    document = (f'<!DOCTYPE html><html lang="ja"><meta charset="utf-8">'
                f"<table>{colgroup}<tbody>{body}</tbody></table></html>")

    def render() -> bytes:
        css = CSS(string=css_text, font_config=font_config)
        return HTML(string=document).write_pdf(stylesheets=[css], font_config=font_config)

    render.pages = lambda: len(HTML(string=document).render(
        stylesheets=[CSS(string=css_text, font_config=font_config)], font_config=font_config).pages)
    return render


class TextRows(HTMLParser):
    """A document's own text as rows of the two-column reference table: each table row as its first
    non-empty cell and the others joined, each paragraph or heading outside a table as a row; also counts
    the document's cells and characters."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "div", "section", "body", "caption", "dt", "dd"}
    SKIPPED = {"head", "title", "style", "script"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, str]] = []
        self.cells = 0
        self._open_rows: list[list[str]] = []
        self._texts: list[list[str]] = [[]]  # the text outside cells, then one buffer per open cell
        self._skip = 0

    def _flush_block(self):
        if len(self._texts) == 1:
            text = " ".join("".join(self._texts[0]).split())
            if text:
                self.rows.append(("", text))
            self._texts[0] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skip += 1
        elif tag == "tr":
            self._flush_block()
            self._open_rows.append([])
        elif tag in ("td", "th"):
            self.cells += 1
            self._texts.append([])
        elif tag == "br":
            self._texts[-1].append(" ")
        elif tag in self.BLOCKS:
            self._flush_block()

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skip -= 1
        elif tag in ("td", "th") and len(self._texts) > 1:
            text = " ".join("".join(self._texts.pop()).split())
            if self._open_rows:
                self._open_rows[-1].append(text)
        elif tag == "tr" and self._open_rows:
            cells = [cell for cell in self._open_rows.pop() if cell]
            if cells:
                self.rows.append((cells[0], " ".join(cells[1:])) if len(cells) > 1 else ("", cells[0]))
        elif tag in self.BLOCKS:
            self._flush_block()

    def handle_data(self, data):
        if not self._skip:
            self._texts[-1].append(data)


def text_rows(document: str) -> TextRows:
    parser = TextRows()
    parser.feed(document)
    parser.close()
    parser._flush_block()
    return parser


def characters(rows: list[tuple[str, str]]) -> int:
    """Printed characters, not counting white space."""
    return sum(len("".join((a + b).split())) for a, b in rows)


def captured(export) -> tuple[str, str]:
    """The HTML and the stylesheet an exporter hands to WeasyPrint through ``core.pdf.render_pdf``."""
    import core.pdf

    seen = {}
    render_to_string, stylesheet = core.pdf.render_to_string, core.pdf._stylesheet

    def keep_html(name, context):
        seen["html"] = render_to_string(name, context)
        return seen["html"]

    def keep_css(extra_css):
        seen["css"] = core.pdf.base_css() + extra_css
        return stylesheet(extra_css)

    core.pdf.render_to_string, core.pdf._stylesheet = keep_html, keep_css
    try:
        export()
    finally:
        core.pdf.render_to_string, core.pdf._stylesheet = render_to_string, stylesheet
    return seen["html"], seen["css"]


def document_renderer(document: str, css_text: str):
    """Bare WeasyPrint on the app's own HTML and stylesheet: the document's content without the app."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()

    def render() -> bytes:
        css = CSS(string=css_text, font_config=font_config)
        return HTML(string=document).write_pdf(stylesheets=[css], font_config=font_config)

    render.pages = lambda: len(HTML(string=document).render(
        stylesheets=[CSS(string=css_text, font_config=font_config)], font_config=font_config).pages)
    return render


def verdict(ratio: float) -> str:
    return f"(target <= {TARGET}) {'OK' if ratio <= TARGET else 'OVER TARGET'}"


def timed(render) -> float:
    """CPU time of one render, each under the same conditions: the garbage left by the previous renders
    collected first, the cyclic collector paused during the render as core.pdf pauses it for the app.
    Otherwise a bare render pays for collections walking all that the process holds (the app, the other
    renderers' documents), and the reference swung between 80 and 190 ms with what else had run."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        content = render()
        elapsed = time.process_time() - start
    finally:
        gc.enable()
    assert content.startswith(b"%PDF")
    return elapsed


def main() -> int:
    with open(os.devnull, "w") as devnull:
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=devnull)

    from checklist.exports import checklist_pdf
    from contracts.demo import SEED_SLUG
    from contracts.models import Contract
    from handover.exports import ledger_pdf, ledger_row, paper_order
    from handover.selectors import ledger_for
    from yearend.council import council_submission_pdf
    from yearend.deletion import deletion_report_pdf, pdf_lines
    from yearend.models import DeletionReport

    contract = Contract.objects.get(slug=SEED_SLUG)
    texts = list(contract.checklist.template.items.order_by("position").values_list("text", flat=True))
    assert len(texts) == 48
    items = [("○", text) for text in texts]
    handovers = list(ledger_for(None, contract=contract))
    ledger_rows = [(str(row.number), " ".join(str(cell) for cell in row.cells(with_contract=False)[1:]))
                   for row in (ledger_row(h) for h in paper_order(handovers))]

    documents = {  # name: (the app's exporter, its reference)
        "checklist PDF, both sides": (lambda: checklist_pdf(contract, "both")[2], "items"),
        "council submission PDF": (lambda: council_submission_pdf(contract)[2], "items"),
        f"ledger PDF, {len(handovers)} handovers": (lambda: ledger_pdf(handovers, contract=contract)[2], "ledger"),
    }
    report = DeletionReport.objects.filter(contract=contract).order_by("-pk").first()
    deletion_rows = []
    if report is not None:
        deletion_rows = [(str(line.number), " ".join(str(value) for value in vars(line).values()))
                         for line in pdf_lines(report)]
        documents[f"deletion report PDF, {len(deletion_rows)} lines"] = (lambda: deletion_report_pdf(report)[2],
                                                                         "deletion")
    references = {"items": items, "ledger": ledger_rows, "deletion": deletion_rows}
    content: dict[str, tuple[int, int, int]] = {}  # name: (characters, cells, pages)
    renderers = {}
    for name, (render, _reference) in documents.items():
        document, css_text = captured(render)
        rows = text_rows(document)
        renderers[f"bare {name}"] = bare = document_renderer(document, css_text)
        renderers[f"same {name}"] = table_renderer(rows.rows, fixed=True)
        content[name] = (characters(rows.rows), rows.cells, bare.pages())
    for reference, rows in references.items():
        renderers[reference] = table_renderer(rows, fixed=True)
        content[reference] = (characters(rows), 2 * len(rows), renderers[reference].pages())
    renderers["plain"] = table_renderer(items, fixed=False)
    renderers.update({name: render for name, (render, _reference) in documents.items()})
    times: dict[str, list[float]] = {name: [] for name in renderers}
    for render in renderers.values():
        timed(render)  # warm-up: fonts loaded and caches filled once for each
    for _ in range(RUNS):
        for name, render in renderers.items():
            times[name].append(timed(render))
    median = {name: statistics.median(values) for name, values in times.items()}

    print(f"CPU time, median of {RUNS}. fixed = bare WeasyPrint, the 48 items (the ledger's and the report's rows) "
          f"in a fixed two-column table; same-content fixed = that table holding all of the document's own text")
    ok = True
    for name, (_render, reference) in documents.items():
        app, fixed, same = median[name], median[reference], median[f"same {name}"]
        ok &= app / fixed <= TARGET and app / same <= TARGET
        chars, cells, pages = content[name]
        ref_chars, ref_cells, ref_pages = content[reference]
        print(f"{name}: {app * 1000:.1f} ms")
        print(f"  fixed               {fixed * 1000:7.1f} ms   app / fixed = {app / fixed:.2f} {verdict(app / fixed)}")
        print(f"  same-content fixed  {same * 1000:7.1f} ms   app / same-content fixed = {app / same:.2f} "
              f"{verdict(app / same)}")
        print(f"  prints {chars:,} characters in {cells} cells on {pages} pages; fixed {ref_chars:,} characters in "
              f"{ref_cells} cells on {ref_pages} pages ({chars / ref_chars:.2f} × the characters, "
              f"{cells - ref_cells:+d} cells, {pages - ref_pages:+d} pages)")
    print("for information: the same documents (the app's HTML and stylesheet) through bare WeasyPrint, so that "
          "what the document holds is told apart from what the app adds:")
    for name in documents:
        bare = median[f"bare {name}"]
        print(f"  {name + ':':40s} bare {bare * 1000:7.1f} ms   app / bare = {median[name] / bare:.2f}   "
              f"bare / fixed = {bare / median[documents[name][1]]:.2f}")
    print(f"for information: bare WeasyPrint, the 48 items in a plain table (automatic layout): "
          f"{median['plain'] * 1000:.1f} ms (plain / fixed = {median['plain'] / median['items']:.2f})")
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
