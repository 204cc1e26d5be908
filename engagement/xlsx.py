"""A small XLSX writer that streams rows into a compressed archive in memory.

Why not XlsxWriter or openpyxl: their fast modes (``constant_memory``, ``write_only``) write each sheet's
rows to a temporary file first, and the package's plain workbook must never touch the disk; their
in-memory modes keep every cell as a Python object (about 500 MB for 100,000 answers × 40 columns).
Here each row becomes XML and goes straight into the deflate stream, so memory stays at the size of
the compressed file.

Strings are written inline (``t="inlineStr"``), which Excel, LibreOffice, openpyxl and calamine all
read. Values are written as they are given: callers pass strings through
:func:`core.spreadsheet.cell_text` first.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

# Characters XML 1.0 does not allow (cell_text removes the C0 controls; these remain possible).
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
HEADER = 1  # bold, filled, bordered, wrapped
WRAP = 2    # wrapped, top-aligned

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
{sheets}\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
{custom}</Types>"""
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_CUSTOM_TYPE = ('<Override PartName="/docProps/custom.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>')
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
{custom}</Relationships>"""
_CUSTOM_REL = ('<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
               'custom-properties" Target="docProps/custom.xml"/>')
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="2"><font><sz val="11"/><name val="{font}"/><family val="3"/><charset val="128"/></font>\
<font><b/><sz val="11"/><name val="{font}"/><family val="3"/><charset val="128"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFD9E2F3"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color indexed="64"/></left><right style="thin"><color indexed="64"/></right>\
<top style="thin"><color indexed="64"/></top><bottom style="thin"><color indexed="64"/></bottom><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">\
<alignment vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attribute(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


@dataclass
class Sheet:
    name: str
    rows: Iterable[Sequence]
    row_count: int
    column_count: int
    widths: Sequence[float] = ()
    header_style: bool = True
    body_style: int = 0
    freeze: tuple[int, int] | None = None
    autofilter: bool = False


@dataclass
class Workbook:
    """Sheets, document properties and custom properties, written by :meth:`save`."""

    title: str = ""
    font: str = "BIZ UDゴシック"
    sheets: list[Sheet] = field(default_factory=list)
    custom: list[tuple[str, str]] = field(default_factory=list)
    compresslevel: int = 6

    def add_sheet(self, sheet: Sheet) -> None:
        self.sheets.append(sheet)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel) as archive:
            sheets = "".join(_SHEET_TYPE.format(n=n) for n in range(1, len(self.sheets) + 1))
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
                sheets=sheets, custom=_CUSTOM_TYPE if self.custom else ""))
            archive.writestr("_rels/.rels", _ROOT_RELS.format(custom=_CUSTOM_REL if self.custom else ""))
            archive.writestr("docProps/core.xml", self._core())
            archive.writestr("docProps/app.xml", self._app())
            if self.custom:
                archive.writestr("docProps/custom.xml", self._custom())
            archive.writestr("xl/workbook.xml", self._workbook())
            archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            archive.writestr("xl/styles.xml", _STYLES.format(font=_attribute(self.font)))
            for number, sheet in enumerate(self.sheets, start=1):
                with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as stream:
                    _write_sheet(stream, sheet)
        return buffer.getvalue()

    def _core(self) -> str:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{_text(self.title)}</dc:title>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>')

    def _app(self) -> str:
        titles = "".join(f"<vt:lpstr>{_text(s.name)}</vt:lpstr>" for s in self.sheets)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                "<Application>Microsoft Excel</Application><HeadingPairs><vt:vector size=\"2\" baseType=\"variant\">"
                "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>"
                f"<vt:variant><vt:i4>{len(self.sheets)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
                f'<TitlesOfParts><vt:vector size="{len(self.sheets)}" baseType="lpstr">{titles}</vt:vector>'
                "</TitlesOfParts></Properties>")

    def _custom(self) -> str:
        properties = "".join(
            f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{_attribute(name)}">'
            f"<vt:lpwstr>{_text(value)}</vt:lpwstr></property>"
            for pid, (name, value) in enumerate(self.custom, start=2))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{properties}</Properties>')

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{_attribute(s.name)}" sheetId="{n}" r:id="rId{n}"/>'
                         for n, s in enumerate(self.sheets, start=1))
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"{_text(_quoted(s.name))}!$A$1:${column_letter(s.column_count - 1)}${s.row_count}</definedName>"
            for n, s in enumerate(self.sheets) if s.autofilter and s.column_count and s.row_count)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<bookViews><workbookView/></bookViews>'
                f"<sheets>{sheets}</sheets>{f'<definedNames>{names}</definedNames>' if names else ''}</workbook>")

    def _workbook_rels(self) -> str:
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(self.sheets) + 1))
        styles = len(self.sheets) + 1
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{relations}"
                f'<Relationship Id="rId{styles}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/styles" Target="styles.xml"/></Relationships>')


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _write_sheet(stream, sheet: Sheet) -> None:
    last = f"{column_letter(max(sheet.column_count, 1) - 1)}{max(sheet.row_count, 1)}"
    head = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">']
    if sheet.freeze:
        rows, columns = sheet.freeze
        cell = f"{column_letter(columns)}{rows + 1}"
        head.append(f'<pane xSplit="{columns}" ySplit="{rows}" topLeftCell="{cell}" activePane="bottomRight" '
                    f'state="frozen"/><selection pane="bottomRight" activeCell="{cell}" sqref="{cell}"/>')
    head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        head.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                       for i, w in enumerate(sheet.widths, start=1)) + "</cols>")
    head.append("<sheetData>")
    stream.write("".join(head).encode("utf-8"))

    letters = [column_letter(i) for i in range(sheet.column_count)]
    # A value's XML after its cell reference, made once per distinct value and style.
    fragments: dict[tuple, str] = {}
    chunk: list[str] = []
    for number, row in enumerate(sheet.rows, start=1):
        style = HEADER if number == 1 and sheet.header_style else sheet.body_style
        cells = []
        for letter, value in zip(letters, row, strict=False):
            if value is None or value == "":
                continue
            key = (value.__class__, value, style)
            fragment = fragments.get(key)
            if fragment is None:
                s = f' s="{style}"' if style else ""
                if isinstance(value, bool) or not isinstance(value, int | float):
                    text = _text(str(value))
                    space = ' xml:space="preserve"' if text != text.strip() else ""
                    fragment = f'"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'
                else:
                    fragment = f'"{s}><v>{value}</v></c>'
                if len(fragments) < 200_000:
                    fragments[key] = fragment
            cells.append(f'<c r="{letter}{number}{fragment}')
        chunk.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(chunk) >= 2000:
            stream.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    tail = "</sheetData>"
    if sheet.autofilter and sheet.column_count and sheet.row_count:
        tail += f'<autoFilter ref="A1:{last}"/>'
    tail += ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
             "</worksheet>")
    chunk.append(tail)
    stream.write("".join(chunk).encode("utf-8"))
