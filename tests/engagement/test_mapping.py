"""Column roles guessed from the headers, allowed values from the data, saved and carried to next year."""

import json

import pytest

from engagement.mapping import (
    ColumnSpec,
    Mapping,
    MappingError,
    Role,
    Source,
    guess_answer_rules,
    guess_mapping,
    parse_column_option,
)
from engagement.reading import read_table
from tests.engagement.helpers import MASTER_HEADERS, SURVEY_HEADERS, survey_csv, survey_rows


def roles(mapping, source=Source.SURVEY):
    return {s.header: s.role for s in mapping if s.source == source}


def test_roles_are_guessed_from_the_header_words():
    mapping = guess_mapping(["回答ID", "回答日時", "タイムスタンプ", "職員番号", "氏名", "メールアドレス", "電話番号",
                             "所属", "兼務先", "職名", "職種", "職務名", "性別", "年齢", "採用年", "採用区分", "在庁歴",
                             "社会人歴", "昇任歴", "Q1 仕事にやりがいを感じる"])

    assert roles(mapping) == {
        "回答ID": Role.IGNORE, "回答日時": Role.IGNORE, "タイムスタンプ": Role.IGNORE, "職員番号": Role.KEY,
        "氏名": Role.DROP, "メールアドレス": Role.DROP, "電話番号": Role.DROP,
        **{h: Role.ATTRIBUTE for h in ["所属", "兼務先", "職名", "職種", "職務名", "性別", "年齢", "採用年", "採用区分",
                                       "在庁歴", "社会人歴", "昇任歴"]},
        "Q1 仕事にやりがいを感じる": Role.ANSWER,
    }
    assert mapping.key().required


def test_a_question_that_mentions_an_attribute_word_stays_an_answer():
    mapping = guess_mapping(["職員番号", "Q5 所属する部署の雰囲気は良いと感じますか", "Q6 年齢に関係なく意見を言えますか"])

    assert roles(mapping)["Q5 所属する部署の雰囲気は良いと感じますか"] == Role.ANSWER
    assert roles(mapping)["Q6 年齢に関係なく意見を言えますか"] == Role.ANSWER


def test_full_width_headers_are_normalised():
    mapping = guess_mapping(["職員番号　", "ＱＡ１"])

    assert [s.header for s in mapping] == ["職員番号", "QA1"]


def test_master_columns_are_attributes_and_take_precedence_over_the_survey_copy():
    mapping = guess_mapping(["職員番号", "所属", "Q1"], ["職員番号", "氏名", "所属", "年齢", "備考"])

    assert roles(mapping) == {"職員番号": Role.KEY, "所属": Role.IGNORE, "Q1": Role.ANSWER}
    assert roles(mapping, Source.MASTER) == {"職員番号": Role.KEY, "氏名": Role.DROP, "所属": Role.ATTRIBUTE,
                                             "年齢": Role.ATTRIBUTE, "備考": Role.ATTRIBUTE}


def test_scale_and_required_are_guessed_and_a_lone_outlier_does_not_widen_the_scale():
    rows = survey_rows(40)
    rows[5][7] = "6"          # Q3: one answer outside 1–5
    for row in rows[:20]:
        row[6] = ""           # Q2: half empty, an optional question
    table = read_table(survey_csv(rows), "answers.csv")

    mapping = guess_answer_rules(guess_mapping(table.headers), table)

    q1, q2, q3, free = (mapping.get(h) for h in ("Q1 やりがい", "Q2 支援", "Q3 意見", "自由記述"))
    assert q1.allowed == ("1", "2", "3", "4", "5") and q1.required
    assert q1.allowed_label == "1〜5"
    assert q2.allowed == ("1", "2", "3", "4", "5") and not q2.required
    assert q3.allowed == ("1", "2", "3", "4", "5")
    assert free.allowed == () and free.allowed_label == "自由記述" and not free.required


def test_one_blank_answer_in_300_leaves_the_column_optional():
    rows = survey_rows(300)
    rows[150][5] = ""         # Q1: one respondent skipped it
    table = read_table(survey_csv(rows), "answers.csv")

    mapping = guess_answer_rules(guess_mapping(table.headers), table)

    assert not mapping.get("Q1 やりがい").required
    assert mapping.get("Q2 支援").required


def test_mapping_survives_json_and_is_carried_to_next_year():
    table = read_table(survey_csv(), "answers.csv")
    mapping = guess_answer_rules(guess_mapping(table.headers, MASTER_HEADERS), table)
    mapping = mapping.with_role("Q3 意見", Role.IGNORE)
    saved = json.loads(json.dumps(mapping.to_json()))

    next_year = Mapping.from_json(saved).carried_to(SURVEY_HEADERS[:-1] + ["Q4 新しい設問"], MASTER_HEADERS)

    assert next_year.get("Q3 意見").role == Role.IGNORE
    assert next_year.get("Q1 やりがい").allowed == ("1", "2", "3", "4", "5")
    assert next_year.get("Q4 新しい設問") == ColumnSpec("Q4 新しい設問", Role.ANSWER)
    assert next_year.get("自由記述") is None


@pytest.mark.parametrize("saved", [None, [], {"version": 99}, {"version": 1, "columns": [{"header": "x"}]},
                                   {"version": 1, "columns": [{"header": "x", "role": "owner"}]}])
def test_a_saved_mapping_that_is_not_one_is_refused(saved):
    with pytest.raises(MappingError):
        Mapping.from_json(saved)


def test_column_options_parse():
    assert parse_column_option("職員コード=key").role == Role.KEY
    option = parse_column_option("Q1 やりがい=answer:1-7:required")
    assert (option.header, option.role, option.allowed, option.required) == (
        "Q1 やりがい", Role.ANSWER, ("1", "2", "3", "4", "5", "6", "7"), True)
    assert parse_column_option("感想=answer:text").allowed == ()
    assert parse_column_option("参加=answer:はい|いいえ").allowed == ("はい", "いいえ")
    assert parse_column_option("式=A=B=drop").header == "式=A=B"


@pytest.mark.parametrize("text", ["職員番号", "=key", "職員番号=owner", "所属=attribute:1-5", "Q1=answer:5-1"])
def test_bad_column_options_are_refused_in_japanese(text):
    with pytest.raises(MappingError) as caught:
        parse_column_option(text)
    assert caught.value.message


def test_naming_another_key_sets_the_guessed_one_aside():
    # Headers are compared after NFKC, so the option may use either width of parenthesis.
    mapping = guess_mapping(["職員番号", "職員コード（新）", "Q1"]).with_role("職員コード（新）", Role.KEY)

    assert mapping.key().header == "職員コード(新)"
    assert mapping.get("職員番号").role == Role.IGNORE


def test_unknown_header_is_refused():
    with pytest.raises(MappingError, match="ありません"):
        guess_mapping(["職員番号"]).with_role("存在しない列", Role.DROP)
