"""Time to render the demo contract's full both-sides checklist PDF, beside bare WeasyPrint rendering a
plain HTML table of the same 48 items with the same font, and their ratio.

    DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/checklist_pdf.py

Runs on its own throwaway SQLite database in a temporary directory (migrate, seed_demo).

- The app: the whole exporter, ``checklist.exports.checklist_pdf(contract, "both")`` — the queries, the
  template, WeasyPrint through ``core.pdf.render_pdf`` — for the demo contract as seed_demo leaves it
  (the plan finalised, all 48 items ○).
- The baseline: bare WeasyPrint, a plain ``<table>`` of the 48 texts with their ○ and no other markup,
  the same font file through one ``@font-face``, the stylesheet built per document as ``render_pdf``
  does. Target: app / baseline at most 1.3.
- For information, a stricter reference: the same two-column table with ``table-layout: fixed`` and set
  widths (what every document table in this app uses), which takes WeasyPrint a fraction of the time of
  the plain table; the app's document holds far more (headings, four columns, page numbers, seals).

Both are warmed up once, then timed alternately; medians are printed.
"""

import html
import os
import statistics
import sys
import tempfile
import time
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
TARGET = 1.3


def table_renderer(texts: list[str], *, fixed: bool):
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
    rows = "".join(f"<tr><td>○</td><td>{html.escape(text)}</td></tr>" for text in texts)
    document = (f'<!DOCTYPE html><html lang="ja"><meta charset="utf-8">'
                f"<table>{colgroup}<tbody>{rows}</tbody></table></html>")

    def render() -> bytes:
        css = CSS(string=css_text, font_config=font_config)
        return HTML(string=document).write_pdf(stylesheets=[css], font_config=font_config)

    return render


def timed(render) -> float:
    start = time.perf_counter()
    content = render()
    elapsed = time.perf_counter() - start
    assert content.startswith(b"%PDF")
    return elapsed


def main() -> int:
    with open(os.devnull, "w") as devnull:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=devnull)

    from checklist.exports import checklist_pdf
    from contracts.demo import SEED_SLUG
    from contracts.models import Contract

    contract = Contract.objects.get(slug=SEED_SLUG)
    texts = list(contract.checklist.template.items.order_by("position").values_list("text", flat=True))
    assert len(texts) == 48

    renderers = {
        "app": lambda: checklist_pdf(contract, "both")[2],
        "plain": table_renderer(texts, fixed=False),
        "fixed": table_renderer(texts, fixed=True),
    }
    times: dict[str, list[float]] = {name: [] for name in renderers}
    for render in renderers.values():
        timed(render)  # warm-up: fonts loaded and caches filled once for each
    for _ in range(RUNS):
        for name, render in renderers.items():
            times[name].append(timed(render))
    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = median["app"] / median["plain"]
    print(f"checklist PDF, both sides, demo contract:        {median['app'] * 1000:7.1f} ms (median of {RUNS})")
    print(f"bare WeasyPrint, plain table, same items & font: {median['plain'] * 1000:7.1f} ms (median of {RUNS})")
    print(f"ratio: {ratio:.2f} (target <= {TARGET}) {'OK' if ratio <= TARGET else 'OVER TARGET'}")
    print(f"for information: the same table with table-layout: fixed: {median['fixed'] * 1000:.1f} ms "
          f"(app / fixed = {median['app'] / median['fixed']:.2f})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
