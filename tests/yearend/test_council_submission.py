"""The council submission (付議事項・資料2-1・別紙) as the council reads it: pdftotext of the PDF holds the
seed's words, in the seed's order, from the contract built from the seed, and the 48 checklist items with
the plan's marks and reasons."""

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from audit.formatting import action_label, personal_data_downloads
from audit.models import AuditEntry
from checklist import services as checklist_services
from checklist.models import Mark
from contracts import services
from contracts.demo import SEED_CONTRACT
from contracts.models import Contract, Organisation
from tests.checklist.helpers import SEED_TEXTS, all_planned, assert_in_order, squash
from tests.factories import make_organisation
from yearend import council

pytestmark = pytest.mark.django_db

SEED = Path(os.environ.get("CHECKLIST_SEED", "/work/shared/seed/000_9d17e6f687bcd3b4.txt"))

# The seed's lines, in its order, as they stand in the seed (000_9d17e6f687bcd3b4.txt): the 付議事項 page,
# 事業の概要, the 委託 table, 資料2-1 and the head of the 別紙.
SEED_IN_ORDER = [
    "個人情報保護管理運営会議 付議事項",
    "件名", "新宿区職員エンゲージメント向上等支援に係る業務の委託について",
    "内容は別紙のとおり",
    "要綱の根拠",
    "◇第3条第1項第3号（業務委託）",
    "（担当部課：総務部人材育成等担当課）",
    "事業の概要",
    "事業名", "新宿区職員エンゲージメント向上等支援業務委託",
    "担当課", "総務部人材育成等担当課",
    "目的", "職員エンゲージメント向上のため",
    "対象者", "区職員（会計年度任用職員は除く）",
    "事業内容", "1 概要",
    "職員の働きがいや意欲、組織に対する思い入れ、愛着などのエンゲージメントを向上させることにより、組織の健全化、"
    "組織力の向上、個人の意欲向上、人材の定着につなげていくことを目的として、職員エンゲージメント向上の取り組みを行う。",
    "2 個人情報保護管理運営会議への付議内容",
    "区は、職員向けに LoGo フォームによる調査を実施し、調査結果を委託事業者に提供する。委託事業者は調査結果を詳細に"
    "分析するとともに、課題に対する改善提案なども含め報告書を作成する。",
    "3 対象者数", "約 3,000 人", "※個人情報の流れは、資料 2-1 のとおり",
    "件名 新宿区職員エンゲージメント向上等支援業務委託について",
    "保有課(担当課)", "人材育成等担当課",
    "登録業務の名称", "新宿区職員エンゲージメント向上等支援業務",
    "委託先", "パブリックタレントモビリティ株式会社",
    "委託に伴い事業者処理させる情報項目(だれの、どのような項目か)",
    "《委託先に提供する項目》 調査対象者(区職員)の属性に関する情報(所属・職名・職種・職務名・性別・年齢・採用年・"
    "採用区分・在庁歴・社会人歴・昇任歴等) 調査回答内容",
    "処理させる情報項目の記録媒体", "電磁的記録(CD-R等)",
    "委託理由",
    "エンゲージメント向上に関する調査や改善策の提案は、単なるデータ収集にとどまらず、組織の文化や職員の意識に深く関わる"
    "重要な業務である。そのため、幅広い視点やアプローチを持つ事業者が実施することで、より効果的で実践的な解決策を見出す"
    "ことが可能となる。",
    "委託の内容",
    "区は、職員向けにLoGoフォームによる調査を実施し、調査結果を委託事業者提供。委託事業者は調査結果を詳細に分析すると"
    "ともに、課題に対する改善提案なども含め報告書を作成する。",
    "委託の開始時期及び期限", "令和7年5月1日から令和8年3月31日まで(次年度以降も、同様の業務委託を行う。)",
    "委託にあたり区が行う情報保護対策", "別紙チェックリストのとおり",
    "新宿区職員エンゲージメント向上等支援業務委託に係る個人情報の流れ",
    "(資料2-1)",
    # The seed's ward box reads 「区（人材育成担当課）」: the PDF names the contract's 保有課, 人材育成等担当課.
    "①Logoフォームでフォーマットを作成し、全庁へ通知文の送付",
    "職員・所属",
    "②Logoフォームで各自回答",
    "⑥対応策・改善策検討",
    "③データ取りまとめ及びCD-R等で送付",
    "・特定相手以外との通信不可・ネットワーク機器やサーバの制限",
    "・通信内容の暗号化・外部からの攻撃防御（ファイアウォールの設置、サーバの要塞化、侵入検知、セキュリティパッチの適用等）",
    "・ウイルス対策", "・最新のパターンファイルの適用", "・ID/パスワード等認証", "・ファイルのパスワード設定",
    "・アクセス制御", "・システムネットワーク状態等の監視", "・アクセスログ取得", "・サーバ冗長化・バックアップ",
    "・入退室管理", "・国内法が適用されるサーバ環境",
    "⑤報告書（個人情報なし）およびデータ返却（CD-R等）",
    "委託先",
    "・特定相手以外との通信不可", "・ネットワーク機器やサーバの制御", "・通信内容の暗号化",
    "・外部からの攻撃防御（ファイアウォールの設置、サーバの要塞化、侵入検知、セキュリティパッチの適用等）",
    "・ウイルス対策", "・最新のパターンファイルの適用", "・ID/パスワード等認証", "・ファイルのパスワード設定",
    "・アクセス制御", "・システムネットワーク状態等の監視", "・アクセスログ取得", "・サーバ冗長化・バックアップ",
    "・入退室管理", "・国内法が適用されるサーバ環境",
    "【委託先PC】",
    "調査結果",
    "④調査結果をもとに報告書（個人情報なし）作成",
    "5 業務委託にかかる個人情報保護対策チェックリスト",
    "(電磁的媒体・紙媒体の取扱い)",
    "・対策が可能であれば「○」 ・対策の必要がない場合は「-」",
    "個人情報保護対策",
    "委託にあたり区が行う 個人情報保護対策 【運用上の対策】",
]

# The submission as printed: the seed's words, except that both lists name their "not needed" mark as it is
# printed, 「ー」, where the seed's ward list has a hyphen (issue 14, E.18).
PRINTED_IN_ORDER = [line.replace("「-」", "「ー」") for line in SEED_IN_ORDER]


def pdf_text(content: bytes) -> str:
    # -raw keeps the order in which the PDF draws its text: a table cell's lines stay together.
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.fixture
def seed_contract(world):
    """The demo's FY2025 contract: the seed's fields word for word, its contractor, the plan all ○."""
    contractor = make_organisation(Organisation.Kind.CONTRACTOR, "パブリックタレントモビリティ株式会社")
    contract = services.contract_create(actor=world.hr, slug="seed-2025", ward_section=world.ward,
                                        contractor=contractor, **SEED_CONTRACT)
    checklist_services.plan_save(contract=contract, marks=all_planned(), actor=world.hr)
    checklist_services.plan_finalise(contract=contract, actor=world.hr)
    return contract


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not in this checkout")
def test_the_lines_this_test_quotes_are_the_seeds_own_in_its_order():
    assert_in_order(SEED.read_text(encoding="utf-8"), SEED_IN_ORDER)


def test_the_submission_holds_the_seeds_words_in_the_seeds_order_and_the_48_items(seed_contract):
    filename, content_type, content = council.council_submission_pdf(seed_contract)
    assert content_type == "application/pdf"
    assert filename.startswith("council-submission-seed-2025-fy2025-") and filename.endswith(".pdf")
    text = pdf_text(content)
    assert_in_order(text, PRINTED_IN_ORDER)
    # The 別紙: each list under its heading, every item with its plan mark, word for word, in the seed's order
    # (○ then the item, as the seed's rows read).
    ward, contractor = SEED_TEXTS[:24], SEED_TEXTS[24:]
    assert_in_order(text, ["委託にあたり区が行う 個人情報保護対策 【運用上の対策】",
                           *(f"○{t}" for t in ward[:13]),
                           "委託にあたり区が行う 個人情報保護対策 【システム上の対策】",
                           *(f"○{t}" for t in ward[13:]),
                           "5 業務委託にかかる個人情報保護対策チェックリスト", "(電磁的媒体・紙媒体の取扱い)",
                           "・対策が可能であれば「○」 ・対策の必要がない場合は「ー」", "個人情報保護対策",
                           "委託事業者に行わせる 個人情報保護対策 【運用上の対策】",
                           *(f"○{t}" for t in contractor[:13]),
                           "委託事業者に行わせる 個人情報保護対策 【システム上の対策】",
                           *(f"○{t}" for t in contractor[13:])])
    assert len(SEED_TEXTS) == 48 and all(squash(t) in squash(text) for t in SEED_TEXTS)
    # The plan is final: no draft warning.
    assert "下書き" not in text and "第1版" in text


def test_the_flow_names_the_contracts_own_section_and_what_the_contractor_processes(seed_contract):
    text = squash(pdf_text(council.council_submission_pdf(seed_contract)[2]))
    # The seed's drawing says 「区（人材育成担当課）」 while its tables say 人材育成等担当課; the drawing here names
    # the contract's 保有課, so next year's contract of another section draws its own name.
    assert squash("区（人材育成等担当課）①Logoフォーム") in text
    assert squash("【委託先PC】調査結果《委託先に提供する項目》") in text


def test_dates_are_in_the_japanese_era_and_the_page_is_a4(seed_contract):
    content = council.council_submission_pdf(seed_contract)[2]
    reader = PdfReader(io.BytesIO(content))
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    text = pdf_text(content)
    assert "令和7年度" in text
    assert not re.search(r"20\d\d年", text)
    # 付議事項, 事業の概要, the 委託 table, 資料2-1, and each checklist on its own page.
    assert len(reader.pages) == 6


def test_an_item_planned_not_needed_shows_ー_with_its_reason_and_leaves_the_flows_list(world):
    contract = world.contract
    reason = "入退室管理は委託先の建物の管理者が行うため"
    checklist_services.plan_save(contract=contract, actor=world.hr, marks=all_planned(**{
        "contractor.system.10": (Mark.NOT_NEEDED, reason)}))
    checklist_services.plan_finalise(contract=contract, actor=world.hr)
    text = pdf_text(council.council_submission_pdf(contract)[2])
    contractor_item = SEED_TEXTS[24 + 13 + 9]
    assert contractor_item.startswith("入退室管理等により情報資産の危殆化を防止させる")
    assert_in_order(text, [f"ー{contractor_item}理由: {reason}"])
    # 資料2-1 lists 入退室管理 beside the ward (planned ○) and not beside the contractor (ー).
    assert squash(text).count("・入退室管理") == 1
    flat = squash(text)
    flow = flat[flat.index("(資料2-1)"):flat.index("5業務委託にかかる個人情報保護対策チェックリスト")]
    contractor_side = flow[flow.index("委託先に行わせる対策"):]
    assert "・入退室管理" not in contractor_side and "・国内法が適用されるサーバ環境" in contractor_side


def test_a_plan_not_yet_final_is_printed_as_a_draft_and_still_lists_every_item(world):
    text = pdf_text(council.council_submission_pdf(world.contract)[2])
    assert "チェックリストの計画（○/ー）はまだ作成されていません。" in text
    assert_in_order(text, SEED_TEXTS)
    checklist_services.plan_save(contract=world.contract, marks=all_planned(), actor=world.hr)
    text = pdf_text(council.council_submission_pdf(world.contract)[2])
    assert "チェックリストの計画（○/ー）は確定前の下書きです。" in text


def test_the_number_of_people_gets_its_own_row_when_the_description_does_not_give_it(world):
    # make_contract's description is 「テスト」 and its 対象者数 「約 3,000 人」.
    text = pdf_text(council.council_submission_pdf(world.contract)[2])
    assert_in_order(text, ["事業の概要", "対象者", "区職員", "対象者数", "約 3,000 人", "事業内容", "テスト"])


@pytest.mark.parametrize("role", ["hr", "auditor"])
def test_hr_and_the_auditor_download_it_and_the_download_is_audited(world, client_as, role):
    user = getattr(world, role)
    before = AuditEntry.objects.filter(action="contract.council_submission.exported").count()
    response = client_as(user).get(reverse("yearend:council_submission", kwargs={"slug": world.contract.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="council-submission-contract-a-fy2025-')
    assert "個人情報保護管理運営会議" in pdf_text(response.content)
    entries = AuditEntry.objects.filter(action="contract.council_submission.exported")
    assert entries.count() == before + 1
    entry = entries.latest("seq")
    assert entry.actor == user and entry.contract == world.contract
    assert action_label(entry.action) == "付議事項（個人情報保護管理運営会議）を出力"


def test_it_is_not_a_personal_data_download():
    # It holds the contract's fields and the plan, no one's name or data: the auditors' list of personal-data
    # downloads does not list it.
    assert "contract.council_submission.exported" not in personal_data_downloads()


def test_contractors_are_refused_and_other_contracts_people_do_not_see_it(world, client_as):
    url = reverse("yearend:council_submission", kwargs={"slug": world.contract.slug})
    for user, status in ((world.manager, 403), (world.handler, 403), (world.other_manager, 404),
                         (world.outsider, 404)):
        client = client_as(user)
        assert client.get(url).status_code == status
        client.logout()
    assert not AuditEntry.objects.filter(action="contract.council_submission.exported").exists()


def test_the_contract_page_offers_it_to_hr_and_the_auditor_only(world, client_as):
    url = reverse("yearend:council_submission", kwargs={"slug": world.contract.slug})
    detail = reverse("contracts:detail", kwargs={"slug": world.contract.slug})
    for user, offered in ((world.hr, True), (world.auditor, True), (world.manager, False), (world.handler, False)):
        client = client_as(user)
        assert (url in client.get(detail).content.decode()) is offered, user
        client.logout()


def test_the_command_writes_the_submission_and_records_it(seed_contract, tmp_path):
    out = tmp_path / "council.pdf"
    stdout = io.StringIO()
    call_command("export_council_submission", "--contract", seed_contract.slug, "--out", str(out), stdout=stdout)
    assert str(out) in stdout.getvalue()
    assert_in_order(pdf_text(out.read_bytes()), PRINTED_IN_ORDER)
    entry = AuditEntry.objects.filter(action="contract.council_submission.exported").latest("seq")
    assert entry.contract == seed_contract and entry.actor is None
    assert entry.actor_label == "manage.py export_council_submission"


def test_the_command_names_an_unknown_contract_or_a_place_it_cannot_write(seed_contract, tmp_path):
    with pytest.raises(CommandError, match="no-such-contract"):
        call_command("export_council_submission", "--contract", "no-such-contract", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_council_submission", "--contract", seed_contract.slug,
                     "--out", str(tmp_path / "missing-dir" / "x.pdf"))


def test_every_field_at_its_longest_is_printed_whole_and_the_drawing_stays_in_its_boxes(world):
    """Extreme values: each text of the submission at the longest the app accepts (core.bounds) is in the
    PDF whole, in its table; the drawing's boxes name the section and the items cut to fit, and say where
    the whole text is."""
    from core import bounds

    long_fields = {}
    for name in ("title", "project_name", "department", "regulation_basis", "purpose", "subjects", "subject_count",
                 "project_description", "holding_section", "registered_work_name", "information_items",
                 "recording_media", "reason", "work_content", "period_note", "protection_measures_note"):
        limit = bounds.model_field_bound(Contract._meta.get_field(name)).high
        long_fields[name] = (f"{name}の内容、" * limit)[:limit]
    services.contract_update(contract=world.contract, actor=world.hr, **long_fields)
    world.contract.refresh_from_db()
    content = council.council_submission_pdf(world.contract)[2]
    # A cell longer than a page goes on over the next: read the text without the page numbers and the running
    # header (the document and the contract, on every page) between.
    flat = squash(re.sub(r"(?m)^(\d+ / \d+|個人情報保護管理運営会議 付議事項\s*件名: .*)$", "", pdf_text(content)))
    for name, value in long_fields.items():
        assert squash(value) in flat, name
    assert squash("（全文は「委託に伴い事業者処理させる情報項目」のとおり）") in flat
    assert squash("区（" + long_fields["holding_section"][:29] + "…）") in flat
