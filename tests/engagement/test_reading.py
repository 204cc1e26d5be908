"""Reading the LoGo export: every encoding and shape a ward file comes in, and every bad file refused
with a Japanese sentence."""

import functools
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement.reading import SurveyFileError, normalise_key, read_table
from engagement.synthetic import csv_bytes, xlsx_bytes
from tests.engagement.helpers import (
    SURVEY_HEADERS,
    replace_part,
    sparse_max_xlsx,
    sparse_xlsx,
    survey_csv,
    survey_rows,
    zip_bytes,
)

HARD_CHARACTERS = "髙﨑①㈱～"


def test_cp932_keeps_the_characters_shift_jis_loses():
    rows = survey_rows(4, free_text=lambda i: f"{HARD_CHARACTERS}の件")
    data = survey_csv(rows, encoding="cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")

    table = read_table(data, "answers.csv")

    assert table.encoding == "cp932"
    assert table.rows[0][3].startswith("髙﨑 太郎")
    assert table.rows[0][-1] == "髙﨑①㈱～の件"
    # ～ is U+FF5E (FULLWIDTH TILDE) under CP932, not shift_jis's U+301C WAVE DASH.
    assert "\uff5e" in table.rows[0][-1]


@pytest.mark.parametrize(("bom", "newline", "expected"), [
    (True, "\r\n", "utf-8-sig"), (False, "\r\n", "utf-8"), (False, "\n", "utf-8"), (True, "\n", "utf-8-sig"),
])
def test_utf8_with_or_without_bom_and_either_line_end(bom, newline, expected):
    data = survey_csv(encoding="utf-8", newline=newline, bom=bom)

    table = read_table(data, "answers.csv")

    assert table.encoding == expected
    assert table.headers == SURVEY_HEADERS
    assert len(table.rows) == 24
    assert table.rows[0][3] == "髙﨑 太郎0"


def test_quoted_multi_line_answer_is_one_row_and_row_numbers_follow_excel():
    rows = survey_rows(3)
    rows[0][-1] = "一行目\r\n二行目\r\n三行目"
    table = read_table(survey_csv(rows), "answers.csv")

    assert table.rows[0][-1] == "一行目\r\n二行目\r\n三行目"
    # Excel shows a quoted multi-line answer in one row: the rows below keep their numbers.
    assert table.row_numbers == [2, 3, 4]


def test_blank_lines_are_skipped_but_counted():
    data = "職員番号,Q1\r\n10001,3\r\n\r\n,\r\n10002,4\r\n".encode("cp932")

    table = read_table(data, "answers.csv")

    assert [row[0] for row in table.rows] == ["10001", "10002"]
    assert table.row_numbers == [2, 5]


def test_ragged_rows_are_kept_as_they_are_for_validation():
    data = "職員番号,Q1,Q2\r\n10001,3\r\n10002,4,5,6\r\n".encode()

    table = read_table(data, "answers.csv")

    assert table.rows == [["10001", "3"], ["10002", "4", "5", "6"]]


def test_full_width_and_ideographic_space_staff_numbers_normalise():
    assert normalise_key("１００００") == "10000"
    assert normalise_key("10001　") == "10001"
    assert normalise_key(" \u300010002 ") == "10002"


def test_xlsx_numbers_come_back_as_excel_shows_them():
    headers = ["職員番号", "Q1", "自由記述"]
    data = xlsx_bytes(headers, [["10001", "5", "=SUM(A1)"], ["10002", "3", "なし"]])

    table = read_table(data, "answers.xlsx")

    assert table.source_format == "xlsx"
    assert table.headers == headers
    assert table.rows == [["10001", "5", "=SUM(A1)"], ["10002", "3", "なし"]]
    assert table.row_numbers == [2, 3]


def test_xlsx_renamed_csv_is_read_by_its_content():
    data = xlsx_bytes(["職員番号", "Q1"], [["10001", "5"]])

    table = read_table(data, "answers.csv")

    assert table.source_format == "xlsx"
    assert table.rows == [["10001", "5"]]


def test_3000_rows_xlsx_are_read():
    headers = ["職員番号"] + [f"Q{i}" for i in range(1, 40)]
    rows = [[str(100000 + i)] + [str(1 + (i + j) % 5) for j in range(39)] for i in range(3000)]

    table = read_table(xlsx_bytes(headers, rows), "answers.xlsx")

    assert len(table.rows) == 3000
    assert table.rows[2999][0] == "102999"
    assert table.row_numbers[-1] == 3001


# --- refused ----------------------------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
       b"\x00\x00\x00\x0bIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")


def refused(data: bytes, filename: str) -> SurveyFileError:
    with pytest.raises(SurveyFileError) as caught:
        read_table(data, filename)
    return caught.value


def test_png_renamed_csv_is_refused_in_japanese():
    error = refused(PNG, "answers.csv")

    assert error.code == "not_table"
    assert "PNG" in error.message and "CSV" in error.message


def test_binary_without_a_known_signature_is_refused():
    assert refused(b"\x01\x02\x03\x00\xff" * 40, "answers.csv").code == "binary"


def test_empty_file_is_refused():
    assert refused(b"", "answers.csv").message == "ファイルが空です。"


def test_header_only_is_refused():
    error = refused("職員番号,Q1\r\n".encode("cp932"), "answers.csv")

    assert error.code == "header_only"
    assert "見出しの行だけ" in error.message


def test_undecodable_text_is_refused():
    # Valid neither as UTF-8 nor as CP932 (0x81 0x20 is a lead byte without its trail byte).
    error = refused(b"\xe8\xe8,\x81\x20\r\n1,2\r\n", "answers.csv")

    assert error.code == "undecodable"
    assert "UTF-8" in error.message


def test_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_FILE_SIZE = 1024

    error = refused(survey_csv(survey_rows(100)), "answers.csv")

    assert error.code == "too_large"
    assert "上限" in error.message


def test_other_extensions_and_old_excel_are_refused():
    assert refused(survey_csv(), "answers.pdf").code == "extension"
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "answers.xls").code == "ole"


def _bomb(megabytes: int) -> bytes:
    row = b'<row><c t="inlineStr"><is><t>1</t></is></c></row>'
    sheet = b'<?xml version="1.0"?><worksheet><sheetData>' + row * (megabytes * 1024 * 1024 // len(row)) + \
        b"</sheetData></worksheet>"
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": sheet})


def test_zip_bomb_is_refused_before_parsing():
    # 40 MB of one repeated cell in some 120 KB: a ratio no worksheet has.
    data = _bomb(40)
    assert len(data) < 200 * 1024

    error = refused(data, "answers.xlsx")

    assert error.code == "zip_bomb"
    assert "圧縮爆弾" in error.message


def test_archive_over_the_uncompressed_limit_is_refused(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_SIZE = 1024 * 1024

    assert refused(_bomb(2), "answers.xlsx").code == "zip_bomb"


def test_zip_that_lies_about_its_sizes_is_refused():
    """An archive whose directory declares a small size for a part that inflates to much more: the
    declared-size checks pass, the inflating pass (which stops at the declared size and checks the
    CRC) catches it before the parser sees it."""
    real = b"<worksheet>" + b"A" * (2 * 1024 * 1024) + b"</worksheet>"
    data = bytearray(zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                                "xl/worksheets/sheet1.xml": real}))
    small = (1000).to_bytes(4, "little")
    name = b"xl/worksheets/sheet1.xml"
    local = bytes(data).index(b"PK\x03\x04")
    while bytes(data[local + 30:local + 30 + len(name)]) != name:
        local = bytes(data).index(b"PK\x03\x04", local + 4)
    data[local + 22:local + 26] = small
    central = bytes(data).index(b"PK\x01\x02")
    while bytes(data[central + 46:central + 46 + len(name)]) != name:
        central = bytes(data).index(b"PK\x01\x02", central + 4)
    data[central + 24:central + 28] = small
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).file_size == 1000

    error = refused(bytes(data), "answers.xlsx")

    assert error.code == "corrupt_zip"


def test_xml_entity_bomb_is_refused():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            b"<si><t>&lol3;</t></si></sst>")
    workbook = xlsx_bytes(["職員番号", "Q1"], [["10001", "はい"]], numbers=False)

    error = refused(replace_part(workbook, "xl/sharedStrings.xml", bomb), "answers.xlsx")

    assert error.code == "xml_entities"
    assert "DTD" in error.message


HEADERLESS_FIRST_ROWS = [
    # The export without its header row: the first respondent's values would become the column names.
    ["1", "2025/06/02 09:00", "10001", "髙﨑 太郎", "takasaki@city.example.lg.jp", "4", "5", "3", "特になし"],
    ["10001", "4", "5", "3"],                            # staff number and answers only
    ["A10001", "山田 花子", "総務部人事課", "研修を増やしてほしい"],  # a staff number among words
    ["山田 花子", "yamada@city.example.lg.jp", "とても良い"],   # an e-mail address
    ["山田 花子", "2025年6月2日", "とても良い"],                # a date
    ["山田 花子", "03-1234-5678", "とても良い"],                # a telephone number
    ["山田 花子", "4", "5"],                                 # answers on the scale
]


@pytest.mark.parametrize("first", HEADERLESS_FIRST_ROWS)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_without_its_header_row_is_refused_without_echoing_its_values(first, kind):
    rows = [first, [f"{v}x" for v in first]]
    data = (csv_bytes(first, rows[1:], encoding="utf-8") if kind == "csv"
            else xlsx_bytes(first, rows[1:], numbers=False))

    error = refused(data, f"answers.{kind}")

    assert error.code == "no_header_row"
    assert "1行目は列の名前（見出し）にしてください" in error.message
    for value in first:
        if len(value) > 1:
            assert value not in error.message


def test_headers_that_mention_dates_addresses_or_numbers_are_column_names():
    headers = ["職員番号", "Q1 2025年4月1日以降に異動しましたか", "Q2 ご意見は jinji@city.example.lg.jp へ", "問3",
               "5", "1. やりがい", "回答日時"]
    rows = [["10001", "はい", "特になし", "3", "4", "5", "2025/06/02 09:00"]]

    table = read_table(csv_bytes(headers, rows, encoding="utf-8"), "answers.csv")

    assert table.headers[0] == "職員番号" and len(table.headers) == 7


EXTENT_MESSAGE = "が読み込める大きさを超えています"


def test_sparse_max_xlsx_is_refused_before_calamine_allocates_its_range():
    # Three cells, the last at XFD1048576: calamine would allocate 512 GiB for the range and abort.
    data = sparse_max_xlsx()
    assert len(data) < 2000

    error = refused(data, "sparse_max.xlsx")

    assert error.code == "sheet_extent"
    assert EXTENT_MESSAGE in error.message and "A1:XFD1048576" in error.message
    assert error.field == "file"


@pytest.mark.parametrize("last", ["XFD20000", "ALL20000"])
def test_a_20000_row_sparse_workbook_is_refused(last):
    # ALL is the 1,000th column: within the column limit, but 20 million cells (0.98 GB in calamine).
    data = sparse_xlsx({1: '<c r="A1"><v>1</v></c>', 2: '<c r="B2"><v>2</v></c>',
                        20000: f'<c r="{last}"><v>3</v></c>'}, dimension=f"A1:{last}")

    error = refused(data, "sparse.xlsx")

    assert error.code == "sheet_extent"
    assert f"A1:{last}" in error.message


def test_a_dimension_that_lies_does_not_hide_a_far_cell():
    data = sparse_xlsx({1: '<c r="A1"><v>1</v></c>', 2: '<c r="B2"><v>2</v></c>',
                        1048576: '<c r="XFD1048576"><v>3</v></c>'}, dimension="A1:B2")

    assert refused(data, "sparse_max.xlsx").code == "sheet_extent"


def test_cells_without_a_reference_are_placed_as_calamine_places_them():
    # No r on the cells: their row is the row's r, their column one past the cell before.
    far_row = sparse_xlsx({1: '<c r="A1"><v>1</v></c>', 1048576: "<c><v>1</v></c>"}, dimension="A1")
    far_column = sparse_xlsx({1: "<c><v>1</v></c>" * 1001, 2: "<c><v>1</v></c>"})

    assert refused(far_row, "sparse.xlsx").code == "sheet_extent"
    assert refused(far_column, "sparse.xlsx").code == "sheet_extent"


def test_leading_zeros_in_a_row_number_do_not_hide_how_far_it_is():
    # calamine reads r="0000000000200002" as row 200,002 (past the 200,001 rows); the scan once read any
    # r longer than ten digits as "the row before + 1".
    data = sparse_xlsx({1: '<c r="A1"><v>1</v></c>', "0000000000200002": "<c><v>2</v></c>"})

    error = refused(data, "zeros.xlsx")

    assert error.code == "sheet_extent" and "A1:A200002" in error.message


def test_a_cell_reference_does_not_move_the_row_of_the_cells_after_it():
    # calamine places a cell without r on its row's r, whatever row the cell before it named: the second cell
    # is B200002, not B1.
    data = sparse_xlsx({"200002": '<c r="A1"><v>1</v></c><c><v>2</v></c>'})

    assert refused(data, "moved.xlsx").code == "sheet_extent"


@pytest.mark.parametrize("reference", ["a0000000000200002", "b200002", "A00200002"])
def test_lowercase_letters_and_leading_zeros_in_a_cell_are_read_as_calamine_reads_them(reference):
    data = sparse_xlsx({1: f'<c r="A1"><v>1</v></c><c r="{reference}"><v>2</v></c>'})

    assert refused(data, "refs.xlsx").code == "sheet_extent"


@pytest.mark.parametrize(("row", "cells"), [
    (1, '<c r="$B$2"><v>1</v></c>'),            # calamine refuses $, spaces and entities in r
    (1, '<c r=" B2"><v>1</v></c>'),
    (1, '<c r="B&#50;"><v>1</v></c>'),
    (1, '<c r="2"><v>1</v></c>'),                # a cell without a column
    ("0", "<c><v>1</v></c>"),                  # row 0
    (1, '<c r="A1"><f><row r="1"/></f><v>1</v></c>'),   # a row inside a cell, which calamine skips
    (1, '<c r="A1"><v>1</v><c r="B1"/></c>'),   # a cell inside a cell
])
def test_a_position_calamine_would_read_differently_is_refused(row, cells):
    data = sparse_xlsx({row: cells})

    error = refused(data, "odd.xlsx")

    assert error.code == "bad_xlsx" and "読めません" in error.message


def test_a_row_outside_sheetdata_or_inside_a_row_is_refused():
    nested = sparse_xlsx({1: '<c r="A1"><v>1</v></c><row r="2"><c><v>2</v></c></row>'})
    prefixed_far = sparse_xlsx({1: '<c r="A1"><v>1</v></c>',
                                "200002": '<x:c xmlns:x="urn:x"><v>1</v></x:c>'})

    assert refused(nested, "nested.xlsx").code == "bad_xlsx"
    assert refused(prefixed_far, "prefixed.xlsx").code == "sheet_extent"


def test_a_sheet_of_more_elements_than_cells_can_need_is_refused(monkeypatch):
    # Elements that are no cell cost the scan as much as cells do: 256 MB of <x/> took 28 s.
    from engagement import reading

    monkeypatch.setattr(reading, "MAX_XML_ELEMENTS", 1000)
    data = sparse_xlsx({1: '<c r="A1"><v>1</v></c>' + "<x/>" * 2000})

    assert refused(data, "flood.xlsx").code == "zip_bomb"
    header = '<c r="A1" t="inlineStr"><is><t>職員番号</t></is></c>'
    assert read_table(sparse_xlsx({1: header + "<x/>" * 900, 2: "<c><v>10001</v></c>"}),
                      "answers.xlsx").rows == [["10001"]]


def test_a_dense_workbook_at_the_column_limit_is_still_read():
    headers = [f"Q{i}" for i in range(1, 1001)]
    rows = [[str(1 + (i + j) % 5) for j in range(1000)] for i in range(3)]

    table = read_table(xlsx_bytes(["職員番号"] + headers[1:], rows), "wide.xlsx")

    assert len(table.headers) == 1000 and len(table.rows) == 3


def _disguised(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    return zip_bytes(change(parts))


def _renamed(parts):
    # The sheet under another name and extension, with another root; the relationship points to it.
    parts["xl/media/image1.png"] = parts.pop("xl/worksheets/sheet1.xml").replace(b"worksheet", b"foo")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet1.xml", b"media/image1.png")
    return parts


def _sheet(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{body}</sheetData></worksheet>").encode()


DISGUISED = {
    "sparse_max": lambda parts: parts,
    "unknown_encoding": lambda parts: {**parts, "xl/worksheets/sheet1.xml": parts["xl/worksheets/sheet1.xml"].replace(
        b'encoding="UTF-8"', b'encoding="UTF-0"')},
    "text_before_the_root": lambda parts: {**parts, "xl/worksheets/sheet1.xml": parts["xl/worksheets/sheet1.xml"].replace(
        b"<worksheet", b"x<worksheet", 1)},
    "renamed": _renamed,
    # Row 1,048,576 written with leading zeros and 1,000 cells without r: 1,048,576,000 cells for calamine.
    "leading_zeros": lambda parts: {**parts, "xl/worksheets/sheet1.xml": _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="00000000001048576">' + "<c><v>1</v></c>" * 1000 + "</row>")},
    # The far row's number on the row, the cells naming row 1: calamine places them on row 1,048,576.
    "cell_names_another_row": lambda parts: {**parts, "xl/worksheets/sheet1.xml": _sheet(
        '<row r="1048576"><c r="A1"><v>1</v></c>' + "<c><v>1</v></c>" * 999 + "</row>")},
}


def test_the_reader_refuses_sparse_max_and_the_process_lives(tmp_path):
    """An abort is no exception: only another process can show that reading these files does not kill its
    reader (under gunicorn, the worker). Each is sparse_max.xlsx, some with the sheet disguised."""
    for name, change in DISGUISED.items():
        (tmp_path / f"{name}.xlsx").write_bytes(_disguised(sparse_max_xlsx(), change))
    code = (
        "import django, pathlib, sys\n"
        "django.setup()\n"
        "from engagement.reading import SurveyFileError, read_table\n"
        f"for path in sorted(pathlib.Path({str(tmp_path)!r}).glob('*.xlsx')):\n"
        "    try:\n"
        "        read_table(path.read_bytes(), path.name)\n"
        "    except SurveyFileError as error:\n"
        "        print(path.stem, 'refused', error.code, flush=True)\n"
        "    else:\n"
        "        print(path.stem, 'accepted', flush=True)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(root)}

    finished = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                              timeout=120)

    assert finished.returncode == 0, finished.stdout + finished.stderr[-2000:]
    outcomes = dict(line.split(" ", 1) for line in finished.stdout.splitlines())
    assert outcomes["sparse_max"] == "refused sheet_extent"
    assert set(outcomes) == set(DISGUISED)
    assert all(outcome.startswith("refused") for outcome in outcomes.values()), outcomes


def test_xlsx_that_is_not_a_workbook_is_refused():
    document = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})

    assert refused(document, "answers.xlsx").code == "bad_xlsx"
    assert refused(b"not a zip at all", "answers.xlsx").code == "bad_xlsx"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_table_or_a_japanese_refusal(data):
    for name in ("answers.csv", "answers.xlsx"):
        try:
            table = read_table(data, name)
        except SurveyFileError as error:
            assert error.message
        else:
            assert table.rows and table.headers


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(TEXT, min_size=1, max_size=5), min_size=1, max_size=8))
def test_any_text_comes_back_cell_for_cell(rows):
    data = csv_bytes(["職員番号", "Q1", "Q2", "Q3", "Q4"], rows, encoding="utf-8")
    expected = [row for row in rows if "".join(row).strip()]
    try:
        table = read_table(data, "answers.csv")
    except SurveyFileError as error:
        assert error.code == "header_only" and not expected
    else:
        assert table.rows == expected


@functools.cache
def _workbook_parts() -> dict[str, bytes]:
    data = xlsx_bytes(["職員番号", "Q1", "自由記述"], [[str(10000 + i), str(i % 5 + 1), "テキスト"] for i in range(30)])
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info) for info in archive.infolist()}


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
                        "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]),
       st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(list(b'<>"/=&;!0123456789az \x00\xff'))),
                min_size=1, max_size=6))
def test_a_damaged_workbook_gives_a_table_or_a_japanese_refusal(part, changes):
    parts = dict(_workbook_parts())
    damaged = bytearray(parts[part])
    for where, byte in changes:
        damaged[int(where * len(damaged))] = byte
    parts[part] = bytes(damaged)

    try:
        table = read_table(zip_bytes(parts), "answers.xlsx")
    except SurveyFileError as error:
        assert error.message
    else:
        assert table.headers
