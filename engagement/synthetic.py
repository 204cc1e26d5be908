"""Generated survey exports and HR masters shaped like the ward's (about 3,000 staff), for tests, the
benchmark and the demo. Every person in them is invented; nothing is drawn from real data.

The shape follows the seed's attribute list (所属・兼務先・職名・職種・職務名・性別・年齢・採用年・採用区分・
在庁歴・社会人歴・昇任歴) and a LoGo フォーム export with a 回答ID, a timestamp, the staff number, name and
e-mail, scale questions (1–5) and free-text answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

DEPARTMENTS = {
    "総務部": ["総務課", "人事課", "人材育成等担当課", "契約管財課", "危機管理課"],
    "企画政策部": ["企画政策課", "行政管理課", "財政課", "情報システム課"],
    "地域振興部": ["地域コミュニティ課", "生涯学習スポーツ課", "多文化共生推進課"],
    "文化観光産業部": ["文化観光課", "産業振興課", "消費生活就労支援課"],
    "区民部": ["戸籍住民課", "税務課", "医療保険年金課", "特別出張所"],
    "福祉部": ["地域福祉課", "障害者福祉課", "高齢者支援課", "介護保険課", "生活福祉課"],
    "子ども家庭部": ["子ども家庭課", "保育課", "子ども総合センター"],
    "健康部": ["健康政策課", "保健予防課", "衛生課", "保健センター"],
    "みどり土木部": ["土木管理課", "道路課", "みどり公園課"],
    "環境清掃部": ["環境対策課", "ごみ減量リサイクル課", "清掃事務所"],
    "都市計画部": ["都市計画課", "景観・まちづくり課", "建築指導課"],
    "教育委員会事務局": ["教育調整課", "学校運営課", "教育指導課", "中央図書館"],
}
TITLES = [("主事", 45), ("主任", 25), ("係長", 15), ("課長補佐", 5), ("課長", 5), ("部長", 1), ("技能長", 2),
          ("技能主任", 2)]
JOBS = [("事務", 60), ("土木", 6), ("建築", 5), ("福祉", 10), ("保健師", 5), ("保育士", 8), ("技能・労務", 4),
        ("心理", 1), ("栄養士", 1)]
DUTIES = ["窓口", "企画", "庶務", "審査", "相談", "現場", "システム", "経理"]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
            "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "髙﨑", "山﨑", "森", "池田", "橋本"]
GIVEN = ["太郎", "花子", "一郎", "恵子", "健", "美咲", "翔太", "陽子", "大輔", "由美", "直樹", "真由美", "亮", "彩"]
ROMAJI = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato"]
FREE_TEXT = ["特になし", "研修の機会を増やしてほしい。", "職場の雰囲気は良いと思う。",
             "業務量の偏りがあり、①人員配置と②業務分担を見直してほしい。", "テレワークを続けたい～",
             "会議が多すぎる。\n資料の事前共有を徹底してほしい。", "", ""]

SURVEY_FIXED = ["回答ID", "回答日時", "職員番号", "氏名", "メールアドレス"]
MASTER_HEADERS = ["職員番号", "氏名", "所属", "兼務先", "職名", "職種", "職務名", "性別", "年齢", "採用年", "採用区分",
                  "在庁歴", "社会人歴", "昇任歴"]


@dataclass
class Generated:
    """A generated survey export and the matching HR master, as header lists and rows of strings."""

    survey_headers: list[str]
    survey_rows: list[list[str]]
    master_headers: list[str]
    master_rows: list[list[str]]


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def generate(staff: int = 3000, *, scale_questions: int = 33, free_questions: int = 2, seed: int = 2025,
             colleague_mentions: float = 0.0, survey_year: int = 2025) -> Generated:
    """``staff`` invented staff and one answer each.

    ``colleague_mentions``: the share of free-text answers that name a colleague, give an e-mail
    address or a phone number (for the review of personal data in free text).
    """
    rng = random.Random(seed)
    departments = [f"{d}{s}" for d, sections in DEPARTMENTS.items() for s in sections]
    master_rows = []
    people = []
    for n in range(staff):
        number = str(100001 + n)
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        age = rng.randint(22, 64)
        years_in = rng.randint(0, max(0, age - 22))
        hired = survey_year - years_in
        outside = rng.choice([0, 0, 0, rng.randint(1, max(1, age - 22 - years_in))]) if age - 22 > years_in else 0
        title = _weighted(rng, TITLES)
        promoted = "" if title in ("主事", "技能長") else f"{title} {survey_year - rng.randint(0, min(10, years_in))}年"
        department = rng.choice(departments)
        second = rng.choice(departments) if rng.random() < 0.05 else ""
        master_rows.append([
            number, name, department, second, title, _weighted(rng, JOBS), rng.choice(DUTIES),
            rng.choices(["男", "女", "回答しない"], weights=[50, 48, 2])[0], str(age), str(hired),
            "経験者採用" if outside else "新規採用", str(years_in), str(outside), promoted,
        ])
        people.append((number, name))
    questions = [f"Q{i:02d} {text}" for i, text in enumerate(
        ["仕事にやりがいを感じる", "上司から適切な支援を受けている", "職場で意見を言いやすい"] * (scale_questions // 3 + 1),
        start=1)][:scale_questions]
    free = [f"自由記述{i}" for i in range(1, free_questions + 1)]
    survey_headers = SURVEY_FIXED + questions + free
    start = dt.datetime(survey_year, 6, 2, 8, 30)
    survey_rows = []
    for index, (number, name) in enumerate(people, start=1):
        when = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 14))
        mail = f"{rng.choice(ROMAJI)}{number[-4:]}@city.example.lg.jp"
        answers = [str(min(5, max(1, round(rng.gauss(3.4, 1.0))))) for _ in questions]
        texts = []
        for _ in free:
            text = rng.choice(FREE_TEXT)
            if colleague_mentions and rng.random() < colleague_mentions:
                other_number, other_name = rng.choice(people)
                text = rng.choice([
                    f"{other_name}さんに助けてもらった。",
                    f"連絡は {rng.choice(ROMAJI)}{other_number[-4:]}@city.example.lg.jp まで",
                    f"内線ではなく 03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)} に電話がほしい",
                ])
            texts.append(text)
        survey_rows.append([str(index), when.strftime("%Y/%m/%d %H:%M"), number, name, mail, *answers, *texts])
    return Generated(survey_headers, survey_rows, MASTER_HEADERS, master_rows)


def csv_bytes(headers: list[str], rows: list[list[str]], *, encoding: str = "cp932", newline: str = "\r\n",
              bom: bool = False) -> bytes:
    """A CSV as Excel or LoGo フォーム writes it (CP932 and CRLF unless told otherwise)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(headers: list[str], rows: list[list[str]], *, numbers: bool = True) -> bytes:
    """An XLSX with one sheet; whole numbers are written as numbers, as Excel would keep them.

    Written with XlsxWriter (the test extra), which stores strings in a shared table as Excel does, so
    that the reader is tested on files like Excel's and not on the app's own writer's.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("回答")
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if numbers and value.isdigit() and len(value) < 15 and value.isascii():
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return buffer.getvalue()
