"""The package as the contractor opens it: nothing that names a person, no formula, k reached, and a
file that opens with its password whatever its size."""

import hashlib
import io
import os
import zipfile
from collections import Counter

import msoffcrypto
import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from engagement import package as package_module
from engagement import risk
from engagement.dataset import build_dataset
from engagement.mapping import guess_answer_rules, guess_mapping
from engagement.package import (
    PASSWORD_ALPHABET,
    PackageError,
    build_package,
    decrypt,
    encrypt,
    find_personal_data,
    mask,
    pseudonyms,
)
from engagement.reading import read_table
from engagement.synthetic import csv_bytes, generate, xlsx_bytes
from tests.engagement.helpers import (
    MASTER_HEADERS,
    SURVEY_HEADERS,
    master_csv,
    master_rows,
    open_package,
    package_file,
    staff_number,
    survey_csv,
    survey_rows,
)

QUASI = ["所属", "性別"]
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"見て\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "＝１＋１", "\t=1+1"]


def identifiers(rows, master=None):
    """Every name, e-mail address and staff number the input files hold."""
    found = set()
    for row in rows:
        found.update({row[2], row[3], row[4]})
        found.update(row[3].split())
    for row in master or ():
        found.update({row[0], row[1]})
    return {value for value in found if len(value) >= 2}


def assert_clean(opened, rows, master=None, *, k=5, quasi=QUASI):
    text = opened.all_text()
    for value in identifiers(rows, master):
        assert value not in text, value
    assert "@city.example.lg.jp" not in text
    # No formula: a text starting with "=" is a string cell holding that text (see the formula test below).
    assert opened.formulas == 0
    assert opened.header[0] == "仮名ID"
    assert "氏名" not in opened.header and "メールアドレス" not in opened.header and "職員番号" not in opened.header
    groups = Counter(zip(*(opened.column(h) for h in quasi), strict=True))
    groups.pop((risk.SUPPRESSED,) * len(quasi), None)
    assert min(groups.values()) >= k
    assert min(groups.values()) == opened.package.k_reached


def variants():
    multi = survey_rows()
    multi[0][-1] = "一行目\r\n二行目"
    multi[5][-1] = "長い\n回答"
    formulas = survey_rows(24, free_text=lambda i: FORMULAS[i % len(FORMULAS)])
    wide = survey_rows()
    for row in wide[:6]:
        row[2] = row[2].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "\u3000"
    return {
        "cp932 with 髙﨑①㈱～": (survey_csv(), "answers.csv", survey_rows()),
        "utf-8 with BOM": (survey_csv(encoding="utf-8", bom=True), "answers.csv", survey_rows()),
        "utf-8 with LF": (survey_csv(encoding="utf-8", newline="\n"), "answers.csv", survey_rows()),
        "multi-line answers": (survey_csv(multi), "answers.csv", multi),
        "formula-like answers": (survey_csv(formulas), "answers.csv", formulas),
        "full-width staff numbers": (survey_csv(wide), "answers.csv", wide),
        "xlsx": (xlsx_bytes(SURVEY_HEADERS, survey_rows()), "answers.xlsx", survey_rows()),
    }


@pytest.mark.parametrize("name", list(variants()))
def test_each_accepted_file_is_packaged_clean(name):
    data, filename, rows = variants()[name]

    opened = package_file(data, filename, master=master_csv(), quasi=QUASI)

    assert_clean(opened, rows, master_rows())
    assert opened.package.rows == 24
    assert len(opened.data) == 25


def test_formula_like_answers_arrive_as_the_text_typed_in_string_cells():
    rows = survey_rows(24, free_text=lambda i: FORMULAS[i % len(FORMULAS)])
    rows[1][-1] = "=1+1"

    opened = package_file(survey_csv(rows), "answers.csv", master=master_csv(), quasi=QUASI)

    answers = opened.column("自由記述")
    assert answers[0] == FORMULAS[0]
    assert answers[1] == "=1+1"
    assert answers[2] == "-2+3"
    assert answers[4] == "＝１＋１"
    # A string cell (written inline as text), which Excel and LibreOffice never evaluate: no formula anywhere.
    plain = decrypt(opened.package.content, opened.package.password)
    sheet = openpyxl.load_workbook(io.BytesIO(plain))["データ"]
    cell = sheet.cell(row=3, column=[c.value for c in sheet[1]].index("自由記述") + 1)
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml and '<is><t>=1+1</t></is>' in xml
    assert opened.formulas == 0


def test_multi_line_answer_keeps_its_lines():
    rows = survey_rows()
    rows[0][-1] = "一行目\r\n二行目"

    opened = package_file(survey_csv(rows), "answers.csv", master=master_csv(), quasi=QUASI)

    # Excel's own line break inside a cell is LF.
    assert opened.column("自由記述")[0] == "一行目\n二行目"


def test_hard_characters_survive_into_the_package_and_a_surname_from_the_file_does_not():
    rows = survey_rows(24, free_text=lambda i: "髙い評価①㈱～、髙﨑さんのおかげ")

    opened = package_file(survey_csv(rows), "answers.csv", master=master_csv(), quasi=QUASI)

    assert set(opened.column("自由記述")) == {"髙い評価①㈱～、■■さんのおかげ"}


def test_3000_rows_with_a_master_are_packaged_clean():
    data = generate(3000, seed=11)
    survey = csv_bytes(data.survey_headers, data.survey_rows)

    opened = package_file(survey, "answers.csv", master=csv_bytes(data.master_headers, data.master_rows),
                          quasi=["所属", "性別", "年齢"])

    assert_clean(opened, data.survey_rows, data.master_rows, quasi=["所属", "性別", "年齢"])
    assert opened.package.rows == 3000
    assert opened.package.generalisations  # six attributes of 3,000 staff are never safe as they are
    info = dict(opened.sheets["作成情報"])
    assert info["件数"] == 3000
    assert info["k（目標）"] == 5


def test_a_file_under_4_kib_round_trips():
    rows = survey_rows(15)
    data = survey_csv(rows)
    assert len(data) < 4096

    opened = package_file(data, "answers.csv", master=master_csv(master_rows(15)), quasi=["性別"])

    assert opened.package.rows == 15
    assert_clean(opened, rows, master_rows(15), quasi=["性別"])


def test_msoffcrypto_breaks_files_under_4_kib_which_is_why_packages_are_padded():
    """msoffcrypto-tool issue #105, still there in 6.1.0. When this fails, the bug is fixed upstream
    and the padding in engagement.package may go."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                                b'content-types"/>')
        archive.writestr("pad", os.urandom(2000))
    small = buffer.getvalue()
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(small)).encrypt("password", out)

    with pytest.raises(Exception):  # noqa: B017 - whichever way msoffcrypto fails
        office = msoffcrypto.OfficeFile(io.BytesIO(out.getvalue()))
        office.load_key(password="password")
        office.decrypt(io.BytesIO())

    with pytest.raises(ValueError, match="minimum"):
        encrypt(small, "password")


def test_a_workbook_under_the_minimum_is_padded_and_still_opens(monkeypatch):
    monkeypatch.setattr(package_module, "MIN_PLAINTEXT_SIZE", 40_000)

    opened = package_file(survey_csv(), "answers.csv", master=master_csv(), quasi=QUASI)

    plain = io.BytesIO()
    office = msoffcrypto.OfficeFile(io.BytesIO(opened.package.content))
    office.load_key(password=opened.package.password)
    office.decrypt(plain)
    assert len(plain.getvalue()) >= 40_000
    assert len(opened.data) == 25


def _dataset(rows=None, master=None):
    table = read_table(survey_csv(rows), "answers.csv")
    master_table = read_table(master or master_csv(), "master.csv")
    mapping = guess_answer_rules(guess_mapping(table.headers, master_table.headers), table)
    return build_dataset(table, mapping, master_table)


NOT_IDENTIFYING_REASON = "このテストでは所属と性別だけを準識別子とする"


def _build(dataset, **options):
    protection = risk.propose(dataset.values, QUASI, 5).protection
    protection.not_identifying = {h: NOT_IDENTIFYING_REASON for h in dataset.attribute_headers if h not in QUASI}
    return build_package(dataset, protection, contract_title="契約A", fiscal_year=2025, **options)


def test_sha256_password_and_what_the_package_says_about_itself():
    built = _build(_dataset(), contractor="委託先A株式会社")

    assert built.sha256 == hashlib.sha256(built.content).hexdigest()
    assert len(built.password) >= 16
    assert set(built.password) <= set(PASSWORD_ALPHABET)
    assert not set(built.password) & set("0O1lI")
    assert built.password not in repr(built)
    assert "password" not in built.summary() and built.password not in repr(built.summary())

    opened = open_package(built)
    info = dict(opened.sheets["作成情報"])
    assert info["契約"] == "契約A"
    assert info["年度"] == "令和7年度（2025年度）"
    assert info["委託先"] == "委託先A株式会社"
    assert info["件数"] == 24
    assert info["k（達成：最小グループの人数）"] == built.k_reached >= 5
    assert info["一般化"] == "所属: 上位の部・局にまとめる"
    assert info["作成日時"].startswith("令和")
    assert "破棄" in info["仮名IDの方式"]
    described = {row[0]: row for row in opened.sheets["項目説明"][1:]}
    assert described["所属"][1:3] == ("属性（準識別子）", "上位の部・局にまとめる")
    assert described["Q1 やりがい"][1:] == ("回答", "なし", "1〜5（必須）")
    assert described["自由記述"][3] == "自由記述"
    assert set(opened.column("所属")) == {"総務部", "福祉部"}


def test_every_package_has_its_own_password_and_pseudonyms():
    dataset = _dataset()
    first, second = _build(dataset), _build(dataset)

    assert first.password != second.password
    assert open_package(first).column("仮名ID") != open_package(second).column("仮名ID")


def test_linkable_pseudonyms_stay_the_same_across_years_and_the_key_is_not_in_the_package():
    key = package_module.new_link_key()
    first, second = _build(_dataset(), link_key=key), _build(_dataset(), link_key=key)

    ids = open_package(first).column("仮名ID")
    assert ids == open_package(second).column("仮名ID")
    assert "照合" in dict(open_package(first).sheets["作成情報"])["仮名IDの方式"]
    assert key.hex() not in open_package(first).all_text()
    assert first.linkable


def test_pseudonyms_are_readable_and_collisions_lengthen_them(monkeypatch):
    keys = [staff_number(i) for i in range(200)]
    ids = pseudonyms(keys, b"k" * 32)
    assert len(set(ids)) == 200 and all(len(i) == 10 and i.isalnum() and i.isupper() for i in ids)
    assert pseudonyms(keys[:3] + keys[:1], b"k" * 32)[3] == ids[0]

    monkeypatch.setattr(package_module, "PSEUDONYM_LENGTH", 1)
    short = pseudonyms(keys, b"k" * 32)
    assert len(set(short)) == 200 and len(short[0]) > 1


def test_colleague_names_emails_and_phones_in_free_text_are_found_by_position_and_masked():
    texts = {0: "鈴木 恵子3さんに助けられた", 1: "連絡は staff0007@city.example.lg.jp へ", 2: "電話 03-1234-5678 まで",
             3: "特になし"}
    rows = survey_rows(24, free_text=lambda i: texts.get(i, "なし"))
    dataset = _dataset(rows)

    findings = find_personal_data(dataset)

    assert [(f.row, f.column, f.kind) for f in findings] == [
        (2, "自由記述", "colleague"), (3, "自由記述", "colleague"), (4, "自由記述", "phone")]
    # Positions only: nothing of the text is in what a caller might log.
    assert "鈴木" not in repr(findings) and "staff0007" not in repr(findings)
    masked = mask(dataset, findings)
    assert masked.values["自由記述"][:4] == ["■■■■■■さんに助けられた", "連絡は ■■■■■■■■■■■■■■■■■■■■■■■■■■■■ へ",
                                          "電話 ■■■■■■■■■■■■ まで", "特になし"]
    assert masked.masked_cells == 3
    assert dataset.values["自由記述"][0] == texts[0]  # the original is left as it was

    opened = open_package(_build(masked))
    assert "鈴木 恵子" not in opened.all_text() and "03-1234-5678" not in opened.all_text()
    assert dict(opened.sheets["作成情報"])["自由記述でマスクしたセル"] == 3


def test_phone_numbers_in_full_width_and_without_hyphens_are_found():
    rows = survey_rows(24, free_text=lambda i: ["０９０－１２３４－５６７８に", "0312345678", "2025-06-10に実施"][i % 3])

    kinds = Counter((f.row % 3, f.kind) for f in find_personal_data(_dataset(rows)))

    assert kinds == {(2, "phone"): 8, (0, "phone"): 8}


def test_below_k_is_refused_unless_hr_gives_a_reason():
    dataset = _dataset()
    protection = risk.protect(dataset.values, ["所属", "職名", "性別", "年齢"], [], 5, suppress=False)
    assert not protection.report.ok and set(protection.report.quasi) == set(dataset.attribute_headers)

    with pytest.raises(PackageError) as caught:
        build_package(dataset, protection, contract_title="契約A", fiscal_year=2025)
    assert caught.value.code == "below_k"
    assert "k匿名性（k=5）に届かない" in caught.value.message

    built = build_package(dataset, protection, contract_title="契約A", fiscal_year=2025,
                          below_k_reason="委託先の分析に年齢の詳細が必要なため（課長決裁済み）")
    assert built.k_reached < 5
    info = dict(open_package(built).sheets["作成情報"])
    assert info["k未満で作成した理由"] == "委託先の分析に年齢の詳細が必要なため（課長決裁済み）"


def test_master_attributes_are_taken_from_the_master():
    opened = open_package(_build(_dataset()))

    assert opened.header[:3] == ("仮名ID", "所属", "職名")
    assert set(opened.column("職名")) == {"主事", "主任"}
    assert MASTER_HEADERS[1] not in opened.header


def test_a_column_left_out_of_k_is_either_dropped_or_named_with_its_reason():
    """Issue 14 A.1: a column taken out of k no longer leaves the ward unnamed. Left out of k and neither
    dropped nor declared, it stops the build; dropped, it is not in the package; declared not identifying,
    it is written and the package names it with HR's reason, and k recounts over every other attribute."""
    dataset = _dataset()
    protection = risk.propose(dataset.values, QUASI, 5).protection
    with pytest.raises(PackageError) as caught:
        build_package(dataset, protection, contract_title="契約A", fiscal_year=2025)
    assert caught.value.code == "k_columns" and "「職名」はパッケージに入りますが" in caught.value.message

    reason = "年齢は5歳刻みの範囲を別途公表しているため"
    kept = dataset.without(["職名"])
    protection = risk.propose(kept.values, QUASI, 5).protection
    protection.not_identifying = {"年齢": reason}
    built = build_package(kept, protection, contract_title="契約A", fiscal_year=2025, dropped=["職名"])
    opened = open_package(built)

    assert "職名" not in opened.header and "主任" not in opened.all_text()
    roles = {row[0]: row[1] for row in opened.sheets["項目説明"]}
    attributes = [h for h in opened.header[1:] if roles[h].startswith("属性")]
    assert attributes == ["所属", "性別", "年齢"]
    counted = [h for h in attributes if h != "年齢"]
    groups = Counter(zip(*(opened.column(h) for h in counted), strict=True))
    groups.pop((risk.SUPPRESSED,) * len(counted), None)
    info = dict(opened.sheets["作成情報"])
    assert min(groups.values()) == info["k（達成：最小グループの人数）"] == built.k_reached >= 5
    assert info["kの計算から除いた列（識別に使えない列）"] == f"年齢 — {reason}"
    assert roles["年齢"] == "属性（識別に使えない列・kの対象外）"
    assert built.summary()["not_identifying"] == [{"column": "年齢", "reason": reason}]
    assert built.summary()["dropped_columns"] == ["職名"]
