"""The shared PDF layer (core.pdf): one embedded font in every document, whatever it prints.

A second font costs WeasyPrint a second subset and embedding: a heading in bold (synthetic or from the Bold
file), a second family name for the same file, or a glyph the font lacks (fontconfig then falls back to
another font on the machine). Read back with pdffonts, as a reader's PDF viewer lists them.
"""

import datetime as dt
import subprocess
from types import SimpleNamespace

import core.pdf
from engagement.notice import notice_pdf

# What the documents print besides plain text: the plan's marks, the flow's steps and arrows, brackets, the
# seal boxes' labels, the ward's and the contractor's words.
GLYPHS = "○ ー － ・ ①②③④⑤⑥ → ← ↓ ↑ — 【確認済み】「特記事項」《委託先》 ◇第3条 ※ 令和8年3月6日 ABC-123 0123456789"


def embedded_fonts(content: bytes) -> list[str]:
    listing = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]


def test_a_document_with_headings_seal_boxes_and_every_mark_embeds_one_font(monkeypatch):
    document = f"""<!DOCTYPE html><html lang="ja"><meta charset="utf-8"><body>
      <p class="attachment">別紙</p><h1>消去報告書</h1><h2>事業の概要</h2>
      <table class="fields"><tr><th>件名</th><td>{GLYPHS}</td></tr></table>
      <p class="muted">{GLYPHS}</p>
      <table class="seals"><tr><th>実施者</th><th>確認者</th></tr><tr><td></td><td></td></tr></table>
    </body></html>"""
    monkeypatch.setattr(core.pdf, "render_to_string", lambda _name, _context: document)

    fonts = embedded_fonts(core.pdf.render_pdf("any.html", {}))

    assert len(fonts) == 1, fonts
    assert fonts[0].endswith("+DocumentGothic")


def test_the_password_notice_prints_its_password_in_the_same_one_font():
    contract = SimpleNamespace(title="契約A", fiscal_year=2025, contractor_id=None)
    package = SimpleNamespace(password="K7Q2M9XR4T8W3ZPB", sha256="a3f1" * 16, filename="survey-2025.zip", rows=3012)

    _name, _type, content = notice_pdf(contract=contract, package=package, medium_label="CD-2025-001",
                                       notice_label="PN-2025-001", created_on=dt.date(2025, 6, 10))

    fonts = embedded_fonts(content)
    assert len(fonts) == 1, fonts
