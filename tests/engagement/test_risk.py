"""Re-identification risk: the k-anonymity figures, the generalisations and the least one that reaches k."""

import random
from collections import Counter

import pytest

from engagement import risk
from engagement.synthetic import generate

SIX = ["所属", "職名", "職種", "性別", "年齢", "採用年"]


@pytest.fixture(scope="module")
def ward():
    """3,000 invented staff shaped like the ward's, as columns."""
    data = generate(3000, seed=7)
    return {h: [row[i] for row in data.master_rows] for i, h in enumerate(data.master_headers)}


def naive(columns, quasi, k):
    sizes = Counter(zip(*(columns[h] for h in quasi), strict=True))
    below = sum(n for n in sizes.values() if n < k)
    return min(sizes.values()), below, sum(1 for n in sizes.values() if n == 1), sizes


def test_figures_on_3000_staff_match_a_plain_count(ward):
    report = risk.assess(ward, SIX, 5)
    smallest, below, unique, sizes = naive(ward, SIX, 5)

    assert report.records == 3000
    assert report.groups == len(sizes)
    assert report.smallest_group == smallest == 1
    assert report.records_below_k == below
    assert report.unique_records == unique
    assert report.share_below_k == below / 3000
    # Over six attributes nearly everyone is unique, as on the ward's own synthetic data (2,974 of 3,000).
    assert unique > 2900
    assert not report.ok
    assert [g.size for g in report.riskiest] == sorted(n for n in sizes.values())[:10]
    assert all(sizes[g.values] == g.size for g in report.riskiest)


def test_figures_on_a_built_population():
    """590 groups of five and 50 people alone: 50 records (1.7%) below k=5, all of them unique."""
    columns = {"所属": [], "年齢": []}
    for group in range(590):
        columns["所属"] += [f"部{group % 30}"] * 5
        columns["年齢"] += [str(20 + group // 30)] * 5
    for person in range(50):
        columns["所属"].append("区長室")
        columns["年齢"].append(str(70 + person))

    report = risk.assess(columns, ["所属", "年齢"], 5)

    assert (report.records, report.groups, report.smallest_group) == (3000, 640, 1)
    assert (report.records_below_k, report.groups_below_k, report.unique_records) == (50, 50, 50)
    assert round(100 * report.share_below_k, 1) == 1.7
    assert report.below == {2: 50, 3: 50, 5: 50}
    assert len(report.riskiest) == 10
    assert all(g.size == 1 and g.values[0] == "区長室" for g in report.riskiest)
    assert report.summary() == {"k": 5, "quasi": 2, "records": 3000, "groups": 640, "smallest_group": 1,
                                "records_below_k": 50, "unique_records": 50}


@pytest.mark.parametrize(("name", "parent"), [
    ("総務部人事課", "総務部"), ("総務部 人事課", "総務部"), ("福祉部／高齢者支援課", "福祉部"),
    ("教育委員会事務局教育指導課", "教育委員会事務局"), ("区長室", "区長室"), ("総務部", "総務部"),
])
def test_department_lifted_to_its_parent_by_name(name, parent):
    assert risk.department_parent(name) == parent


def test_department_mapping_table_wins_over_the_name():
    table = {"危機管理課": "総務部", "総務部人事課": "人事部門"}

    assert risk.department_parent("危機管理課", table) == "総務部"
    assert risk.department_parent("総務部人事課", table) == "人事部門"


@pytest.mark.parametrize(("value", "kind", "band", "label"), [
    ("37", risk.Kind.AGE, 5, "35〜39歳"), ("37歳", risk.Kind.AGE, 10, "30〜39歳"), ("64", risk.Kind.AGE, 20, "60〜79歳"),
    ("2013", risk.Kind.YEAR, 5, "2010〜2014年"), ("平成22年", risk.Kind.YEAR, 10, "2010〜2019年"),
    ("12年3か月", risk.Kind.SERVICE, 5, "10〜14年"), ("不明", risk.Kind.AGE, 5, "不明"), ("", risk.Kind.AGE, 5, ""),
])
def test_bands(value, kind, band, label):
    g = risk.Generalisation(column="x", kind=kind, band=band)

    assert risk.generalise_value(value, g) == label


def test_rare_job_titles_become_other():
    columns = {"職名": ["主事"] * 10 + ["主任"] * 6 + ["技能長"] * 2 + ["心理"]}
    plan = [risk.Generalisation(column="職名", kind=risk.Kind.CATEGORY, rare=5)]

    protection = risk.protect(columns, ["職名"], plan, 5, suppress=False)

    assert Counter(protection.columns["職名"]) == {"主事": 10, "主任": 6, "その他": 3}
    assert protection.report.smallest_group == 3


def test_column_kinds_by_header_and_data():
    assert risk.column_kind("年齢", ["30", "41"]) == risk.Kind.AGE
    assert risk.column_kind("年齢", ["30代", "40代"]) == risk.Kind.CATEGORY
    assert risk.column_kind("採用年", ["2010"]) == risk.Kind.YEAR
    assert risk.column_kind("採用区分", ["新規採用"]) == risk.Kind.CATEGORY
    assert risk.column_kind("所属", ["総務部人事課"]) == risk.Kind.DEPARTMENT
    assert risk.column_kind("在庁歴", ["12"]) == risk.Kind.SERVICE


def test_propose_takes_the_least_step_that_reaches_k():
    """Department and gender groups are large; only exact ages single people out. Five-year bands
    are enough, so nothing else is touched and nothing is suppressed."""
    rng = random.Random(3)
    columns = {"所属": [], "性別": [], "年齢": []}
    for department in ("総務部人事課", "福祉部保育課"):
        for gender in ("男", "女"):
            for band in range(25, 65, 5):
                for _ in range(6):
                    columns["所属"].append(department)
                    columns["性別"].append(gender)
                    columns["年齢"].append(str(band + rng.randint(0, 4)))

    proposal = risk.propose(columns, ["所属", "性別", "年齢"], 5)

    assert not proposal.before.ok
    assert proposal.reached
    assert [(g.column, g.band) for g in proposal.changes] == [("年齢", 5)]
    assert proposal.protection.suppressed_cells == 0
    assert proposal.after.smallest_group >= 5
    # The input columns are left as they were; the protection holds the generalised copy.
    assert columns["年齢"][0].isdigit() and proposal.protection.columns["年齢"][0].endswith("歳")


def test_suppression_is_the_last_resort_and_counted():
    """One person in a department of their own: no band helps; their department cell is suppressed."""
    columns = {"所属": ["総務部人事課"] * 80 + ["区長室"], "性別": ["男", "女"] * 40 + ["女"]}

    proposal = risk.propose(columns, ["所属", "性別"], 5)

    assert proposal.reached
    assert proposal.changes == []
    assert proposal.protection.suppressed_records == 1
    assert proposal.protection.suppressed_cells >= 1
    assert proposal.protection.columns["所属"][-1] == risk.SUPPRESSED
    assert proposal.protection.columns["所属"][:80] == columns["所属"][:80]
    assert proposal.after.ok and proposal.after.records_below_k == 0


def test_steps_that_help_nobody_are_not_taken():
    """Twenty-one records, one of them alone: suppressing one is over the 1% budget, and no
    generalisation merges it with anyone; the proposal fails without coarsening anything."""
    columns = {"所属": ["総務部人事課"] * 20 + ["区長室"], "性別": ["男", "女"] * 10 + ["女"]}

    proposal = risk.propose(columns, ["所属", "性別"], 5, max_suppression=0.01)

    assert not proposal.reached
    assert proposal.changes == [] and proposal.steps == []


def test_k_cannot_be_reached_when_too_many_records_would_be_suppressed(ward):
    proposal = risk.propose(ward, SIX, 5)

    assert not proposal.reached
    assert proposal.protection.generalised_report.records_below_k > 0.05 * 3000
    assert proposal.steps  # it tried every rung before giving up


def test_fewer_records_than_k_never_reach_k():
    proposal = risk.propose({"性別": ["男", "女", "男"]}, ["性別"], 5)

    assert not proposal.reached


def test_the_figures_after_the_proposal_hold_on_the_output(ward):
    quasi = ["所属", "性別", "年齢"]
    proposal = risk.propose(ward, quasi, 5)
    assert proposal.reached

    out = proposal.protection.columns
    sizes = Counter(zip(*(out[h] for h in quasi), strict=True))
    sizes.pop((risk.SUPPRESSED,) * 3, None)
    assert min(sizes.values()) >= 5
    assert proposal.after.k_reached == min(sizes.values())
    assert sum(1 for i in range(3000) if risk.SUPPRESSED in (out["所属"][i], out["性別"][i], out["年齢"][i])) \
        == proposal.protection.suppressed_records


def test_unknown_quasi_identifier_and_small_k_are_refused(ward):
    with pytest.raises(risk.RiskError, match="出力する列にありません"):
        risk.assess(ward, ["血液型"], 5)
    with pytest.raises(risk.RiskError, match="2以上"):
        risk.assess(ward, ["性別"], 1)


def test_generalisation_round_trips_through_json():
    g = risk.Generalisation(column="所属", kind=risk.Kind.DEPARTMENT, lift=True, rare=5)

    assert risk.Generalisation.from_json(g.to_json()) == g
    assert g.describe() == "上位の部・局にまとめる、5人未満の値は「その他」"


def test_beyond_its_limit_suppression_blanks_nothing_and_k_is_not_claimed(ward):
    """Issue 14 A.2: when even the coarsest generalisation leaves more records in small groups than the
    limit (5%), nothing is suppressed; what suppression would take is counted, and the report on the output
    says k is not reached."""
    proposal = risk.propose(ward, SIX, 5)

    protection = proposal.protection
    assert not proposal.reached and not protection.reached
    assert protection.suppressed_cells == 0 and protection.suppressed_records == 0
    assert not any(risk.SUPPRESSED in protection.columns[h] for h in SIX)
    smallest, below, _unique, _sizes = naive(protection.columns, SIX, 5)
    assert (protection.report.smallest_group, protection.report.records_below_k) == (smallest, below)
    assert smallest < 5
    # Counted before it would be applied: every record left in a small group, and over the limit.
    assert protection.suppression_records == below > protection.suppression_limit_records == 150
    assert protection.suppression_cells >= protection.suppression_records
    assert risk.suppression_words(12, 0.04, 30) == "秘匿する記録: 12件（4.0%）、セル: 30"


def test_a_raised_limit_lets_suppression_reach_k_and_counts_it():
    columns = {"所属": ["総務部人事課"] * 18 + ["区長室", "議会事務局"], "性別": ["男", "女"] * 10}

    within_5 = risk.protect(columns, ["所属", "性別"], [], 5)
    within_10 = risk.protect(columns, ["所属", "性別"], [], 5, max_suppression=0.10)

    assert within_5.suppression_records == 2 and within_5.suppressed_records == 0 and not within_5.reached
    assert within_10.suppressed_records == 2 and within_10.reached
    assert within_10.columns["所属"][-2:] == [risk.SUPPRESSED] * 2


def test_when_k_cannot_be_reached_the_columns_to_drop_are_offered_and_they_reach_it(ward):
    remedies = risk.remedies(ward, SIX, 5)

    # Each column's k if it were dropped, the others at their coarsest rung: a plain count says the same.
    coarsest = remedies.coarsest.columns
    for drop in remedies.by_column:
        rest = [h for h in SIX if h != drop.column]
        smallest, below, _unique, _sizes = naive(coarsest, rest, 5)
        assert (drop.k_reached, drop.records_below_k) == (smallest, below)
    # The fewest columns to drop: no single column is enough here unless the set has one column.
    assert remedies.drop
    assert all(not d.reaches for d in remedies.by_column) or len(remedies.drop) == 1
    rest = [h for h in SIX if h not in remedies.drop]
    proposal = remedies.drop_proposal
    assert proposal.reached and proposal.quasi == rest
    out = proposal.protection.columns
    sizes = Counter(zip(*(out[h] for h in rest), strict=True))
    sizes.pop((risk.SUPPRESSED,) * len(rest), None)
    assert min(sizes.values()) >= 5
    assert proposal.protection.suppressed_records <= 150
