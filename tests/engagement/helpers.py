"""Files the tests make, and the whole way from bytes to an opened package."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import msoffcrypto
import openpyxl

from engagement import risk
from engagement.dataset import build_dataset
from engagement.mapping import guess_answer_rules, guess_mapping, parse_column_option
from engagement.package import Package, build_package, find_personal_data, mask
from engagement.reading import read_table
from engagement.synthetic import csv_bytes, xlsx_bytes
from engagement.validation import validate

SURVEY_HEADERS = ["回答ID", "回答日時", "職員番号", "氏名", "メールアドレス", "Q1 やりがい", "Q2 支援", "Q3 意見",
                  "自由記述"]
MASTER_HEADERS = ["職員番号", "氏名", "所属", "職名", "性別", "年齢"]
DEPARTMENTS = ["総務部人事課", "総務部総務課", "福祉部高齢者支援課", "福祉部保育課"]


def staff_number(i: int) -> str:
    return str(10001 + i)


def survey_rows(count: int = 24, *, free_text=None) -> list[list[str]]:
    """``count`` answers; names include 髙﨑 and ①㈱～ appear in the free text."""
    rows = []
    for i in range(count):
        text = free_text(i) if free_text else ["①研修を増やしてほしい", "㈱との連携～改善を", "特になし", ""][i % 4]
        rows.append([str(i + 1), f"2025/06/{2 + i % 20:02d} 09:{i % 60:02d}", staff_number(i),
                     ["髙﨑 太郎", "山田 花子", "佐藤 一郎", "鈴木 恵子"][i % 4] + str(i),
                     f"staff{i:04d}@city.example.lg.jp", str(1 + i % 5), str(1 + (i * 2) % 5), str(1 + (i * 3) % 5),
                     text])
    return rows


def master_rows(count: int = 24) -> list[list[str]]:
    """Four departments × two genders × three ages, so that 24 staff make groups of one."""
    rows = []
    for i in range(count):
        rows.append([staff_number(i), f"職員{i}", DEPARTMENTS[i % 4], ["主事", "主任"][i % 2],
                     ["男", "女"][(i // 4) % 2], str(30 + (i // 8) * 3 + i % 3)])
    return rows


def survey_csv(rows=None, *, headers=None, encoding="cp932", newline="\r\n", bom=False) -> bytes:
    return csv_bytes(headers or SURVEY_HEADERS, rows if rows is not None else survey_rows(), encoding=encoding,
                     newline=newline, bom=bom)


def master_csv(rows=None) -> bytes:
    return csv_bytes(MASTER_HEADERS, rows if rows is not None else master_rows())


def zip_bytes(parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_SPARSE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'),
}


def sparse_xlsx(rows: dict[int, str], *, dimension: str | None = None) -> bytes:
    """A workbook written by hand: ``rows`` maps a row number (None: no ``r``) to its cells' XML,
    for example ``{1: '<c r="A1"><v>1</v></c>'}``."""
    body = "".join(f'<row r="{number}">{cells}</row>' if number else f"<row>{cells}</row>"
                   for number, cells in rows.items())
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + (f'<dimension ref="{dimension}"/>' if dimension else "")
             + f"<sheetData>{body}</sheetData></worksheet>")
    return zip_bytes({**{name: text.encode() for name, text in _SPARSE_PARTS.items()},
                      "xl/worksheets/sheet1.xml": sheet.encode()})


def sparse_max_xlsx() -> bytes:
    """sparse_max.xlsx: cells A1, B2 and XFD1048576, the last cell a sheet can have."""
    return sparse_xlsx({1: '<c r="A1"><v>1</v></c>', 2: '<c r="B2"><v>2</v></c>',
                        1048576: '<c r="XFD1048576"><v>3</v></c>'}, dimension="A1:XFD1048576")


def replace_part(xlsx: bytes, name: str, data: bytes) -> bytes:
    """``xlsx`` with one part replaced (to plant an entity bomb in a real workbook)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = data
    return zip_bytes(parts)


@dataclass
class Opened:
    package: Package
    sheets: dict[str, list[tuple]]
    formulas: int

    @property
    def data(self) -> list[tuple]:
        return self.sheets["データ"]

    @property
    def header(self) -> tuple:
        return self.data[0]

    def column(self, header: str) -> list:
        index = self.header.index(header)
        return [row[index] for row in self.data[1:]]

    def all_text(self) -> str:
        return "\n".join(str(v) for rows in self.sheets.values() for row in rows for v in row if v is not None)


def open_package(package: Package) -> Opened:
    """Decrypt with msoffcrypto and read every sheet with openpyxl, as the contractor would."""
    office = msoffcrypto.OfficeFile(io.BytesIO(package.content))
    office.load_key(password=package.password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain, verify_integrity=True)
    workbook = openpyxl.load_workbook(plain)
    sheets, formulas = {}, 0
    for sheet in workbook.worksheets:
        sheets[sheet.title] = [tuple(c.value for c in row) for row in sheet.iter_rows()]
        formulas += sum(1 for row in sheet.iter_rows() for c in row if c.data_type == "f")
    return Opened(package=package, sheets=sheets, formulas=formulas)


def package_file(data: bytes, filename: str, *, master: bytes | None = None, master_name: str = "master.csv",
                 columns=(), quasi=None, k: int = 5, link_key: bytes | None = None) -> Opened:
    """The whole way: read, map, validate, join, mask, propose, build, open."""
    table = read_table(data, filename)
    master_table = read_table(master, master_name) if master is not None else None
    mapping = guess_mapping(table.headers, master_table.headers if master_table else ())
    mapping = mapping.with_overrides(parse_column_option(c) for c in columns)
    mapping = guess_answer_rules(mapping, table)
    report = validate(table, mapping, master_table)
    assert report.ok, report.lines()
    dataset = build_dataset(table, mapping, master_table, report)
    dataset = mask(dataset, find_personal_data(dataset))
    # Every attribute column that leaves counts for k: the ones a test leaves out of k are left out of the package.
    quasi = dataset.attribute_headers if quasi is None else quasi
    dataset = dataset.without(h for h in dataset.attribute_headers if h not in quasi)
    proposal = risk.propose(dataset.values, quasi, k)
    assert proposal.reached, proposal.after.lines()
    package = build_package(dataset, proposal.protection, contract_title="契約A", fiscal_year=2025,
                            link_key=link_key)
    return open_package(package)


__all__ = ["xlsx_bytes"]
