"""The validation report: every problem at the row Excel shows, in a Japanese sentence; nothing kept."""

from engagement.mapping import Role, guess_answer_rules, guess_mapping
from engagement.reading import Table, read_table
from engagement.synthetic import xlsx_bytes
from engagement.validation import (
    DUPLICATE_KEY,
    EMPTY_KEY,
    EMPTY_REQUIRED,
    HEADER_ONLY,
    MASTER_NO_KEY,
    MISSING_IN_MASTER,
    NO_KEY,
    OUT_OF_RANGE,
    RAGGED_ROW,
    validate,
)
from tests.engagement.helpers import (
    MASTER_HEADERS,
    SURVEY_HEADERS,
    master_csv,
    master_rows,
    staff_number,
    survey_csv,
    survey_rows,
)


def check(rows=None, *, master=True, headers=None, master_data=None):
    table = read_table(survey_csv(rows, headers=headers), "answers.csv")
    master_table = read_table(master_data or master_csv(), "master.csv") if master else None
    mapping = guess_mapping(table.headers, master_table.headers if master_table else ())
    mapping = guess_answer_rules(mapping, table)
    return validate(table, mapping, master_table)


def test_a_clean_file_is_ok():
    report = check()

    assert report.ok
    assert (report.rows, report.columns, report.master_rows, report.master_columns) == (24, 9, 24, 6)
    assert report.lines()[-1] == "問題は見つかりませんでした。"


def test_duplicate_staff_number_names_both_rows():
    rows = survey_rows()
    rows[9][2] = rows[3][2]

    report = check(rows)

    assert not report.ok
    [problem] = report.problems
    assert (problem.code, problem.row, problem.other_row) == (DUPLICATE_KEY, 11, 5)
    assert problem.message == (f"11行目: 職員番号「{staff_number(3)}」は5行目と重複しています。"
                               "同じ職員の回答が2件あります。どちらかを削除してください。")


def test_full_width_staff_number_is_the_same_staff_member():
    rows = survey_rows()
    rows[9][2] = "１０００４　"   # staff_number(3), typed in full width with a trailing U+3000

    report = check(rows)

    assert [(p.code, p.row, p.other_row) for p in report.problems] == [(DUPLICATE_KEY, 11, 5)]


def test_staff_number_missing_from_the_master():
    rows = survey_rows()
    rows[2][2] = "99999"

    report = check(rows)

    assert [(p.code, p.row) for p in report.problems] == [(MISSING_IN_MASTER, 4)]
    assert "職員番号「99999」が職員属性マスタにありません" in report.problems[0].message


def test_full_width_numbers_in_the_master_match():
    rows = master_rows()
    rows[0][0] = "１０００１"
    rows[1][0] = "10002　"

    assert check(master_data=master_csv(rows)).ok


def test_answers_outside_the_scale_and_empty_required_cells():
    rows = survey_rows(40)
    rows[6][5] = "7"
    rows[7][6] = "はい"
    rows[8][7] = ""
    table = read_table(survey_csv(rows), "answers.csv")
    guessed = guess_answer_rules(guess_mapping(table.headers), table)
    # One blank: not guessed 必須 (the form let it be skipped); HR marks it 必須 all the same.
    assert not guessed.get("Q3 意見").required
    mapping = guessed.with_role("Q3 意見", Role.ANSWER, required=True)

    report = validate(table, mapping)

    assert [(p.code, p.row, p.column) for p in report.problems] == [
        (OUT_OF_RANGE, 8, "Q1 やりがい"), (OUT_OF_RANGE, 9, "Q2 支援"), (EMPTY_REQUIRED, 10, "Q3 意見")]
    assert report.problems[0].message == "8行目: 「Q1 やりがい」の回答「7」は選択肢（1〜5）にありません。"
    assert report.problems[2].message == "10行目: 必須の「Q3 意見」が空欄です。"
    # The setting to change, named: the page's report and the commands' output.
    assert report.advice() == ["「Q3 意見」は必須にしていますが、1行が空欄です。空欄を認める質問なら、列の対応づけで"
                               "「Q3 意見」の「必須」のチェックを外して、もう一度検証してください。回答の漏れなら、"
                               "ファイルを直してアップロードしてください。"]
    assert "--column の「Q3 意見」の「:required」を「:optional」にして実行し直してください。" in report.lines()[-1]


def test_full_width_answer_is_within_the_scale():
    rows = survey_rows(40)
    rows[3][5] = "５"

    assert check(rows, master=False).ok


def test_ragged_rows_and_empty_staff_numbers_at_their_excel_rows():
    rows = survey_rows()
    rows[0][-1] = "複数行の\r\n回答"
    rows[4] = rows[4][:5]
    rows[6] = rows[6] + ["余分", "な列"]
    rows[8][2] = "　"

    report = check(rows, master=False)

    assert [(p.code, p.row) for p in report.problems] == [(RAGGED_ROW, 6), (RAGGED_ROW, 8), (EMPTY_KEY, 10)]
    assert "見出し9列、この行5列" in report.problems[0].message


def test_header_only_table():
    table = Table(headers=SURVEY_HEADERS, rows=[], row_numbers=[], source_format="csv", filename="a.csv")

    report = validate(table, guess_mapping(table.headers))

    assert [p.code for p in report.problems] == [HEADER_ONLY]
    assert not report.ok


def test_no_staff_number_column_in_the_survey_or_the_master():
    report = check([["1", "山田", "3"]], headers=["回答ID", "氏名", "Q1"], master=False)
    assert [p.code for p in report.problems] == [NO_KEY]
    assert "職員番号の列がありません" in report.problems[0].message

    table = read_table(survey_csv(), "answers.csv")
    master = read_table(xlsx_bytes(["番号", "所属"], [["10001", "総務部"]]), "master.xlsx")
    mapping = guess_answer_rules(guess_mapping(table.headers, master.headers), table)
    assert [p.code for p in validate(table, mapping, master).problems] == [MASTER_NO_KEY]


def test_summary_carries_counts_and_no_value_from_the_file():
    rows = survey_rows()
    rows[2][2] = "99999"
    rows[9][2] = rows[3][2]

    summary = check(rows).summary()

    assert summary == {"rows": 24, "columns": 9, "master_rows": 24, "ok": False,
                       "problems": {MISSING_IN_MASTER: 1, DUPLICATE_KEY: 1}}
    assert "99999" not in repr(summary) and staff_number(3) not in repr(summary)


def test_master_header_list_is_the_one_the_helpers_write():
    assert read_table(master_csv(), "master.csv").headers == MASTER_HEADERS
