"""The package's own XLSX writer: what goes in comes out, in openpyxl and in calamine alike."""

import io

import openpyxl
from python_calamine import CalamineWorkbook

from engagement import xlsx

VALUES = [
    ["見出し", "数", "記号"],
    ["  前後に空白  ", 3, "a & b < c > d \"e\" 'f'"],
    ["一行目\n二行目", -12, "髙﨑①㈱～"],
    ["", None, "\uffff消える\ufffe"],
]


def workbook_bytes():
    book = xlsx.Workbook(title="題 & <名>")
    book.add_sheet(xlsx.Sheet("データ", VALUES, row_count=4, column_count=3, widths=[10, 10, 10], freeze=(1, 1),
                              autofilter=True))
    book.add_sheet(xlsx.Sheet("O'Brien", [["x"]], row_count=1, column_count=1, header_style=False))
    book.custom.append(("padding-01", "ABCD"))
    return book.save()


def test_openpyxl_reads_back_every_value_and_the_layout():
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes()))

    sheet = book["データ"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["見出し", "数", "記号"],
        ["  前後に空白  ", 3, "a & b < c > d \"e\" 'f'"],
        ["一行目\n二行目", -12, "髙﨑①㈱～"],
        [None, None, "消える"],
    ]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:C4"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert book.sheetnames == ["データ", "O'Brien"]
    assert book.properties.title == "題 & <名>"


def test_calamine_reads_back_the_same():
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(workbook_bytes()))

    rows = workbook.get_sheet_by_name("データ").to_python()
    assert rows[1] == ["  前後に空白  ", 3, "a & b < c > d \"e\" 'f'"]
    assert rows[2][2] == "髙﨑①㈱～"


def test_read_only_openpyxl_sees_the_dimension():
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes()), read_only=True)

    assert book["データ"].max_row == 4
    assert book["データ"].max_column == 3


def test_column_letters():
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
