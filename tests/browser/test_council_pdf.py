"""Ms. Suzuki (監査) downloads the council submission (付議事項・資料2-1・別紙) from the contract's page, reads the
seed's words in it, and finds her download in the audit trail in words; the contractor's manager is not
offered it."""

import subprocess

import pytest

from checklist import services as checklist_services
from contracts import services
from contracts.demo import SEED_CONTRACT
from contracts.models import Organisation
from tests.checklist.helpers import SEED_TEXTS, all_planned, ensure_template
from tests.factories import make_organisation, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_auditor_downloads_the_council_pdf_from_the_contract_page(new_page, sign_in):
    ensure_template()
    world = make_world()
    contractor = make_organisation(Organisation.Kind.CONTRACTOR, "パブリックタレントモビリティ株式会社")
    contract = services.contract_create(actor=world.hr, slug="seed-2025", ward_section=world.ward,
                                        contractor=contractor, **SEED_CONTRACT)
    services.membership_grant(contract=contract, user=world.auditor, role="auditor", actor=world.hr)
    checklist_services.plan_save(contract=contract, marks=all_planned(), actor=world.hr)
    checklist_services.plan_finalise(contract=contract, actor=world.hr)

    page = sign_in(new_page(), world.auditor)
    page.goto("/contracts/")
    page.get_by_role("link", name="新宿区職員エンゲージメント向上等支援に係る業務の委託について").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="付議事項（会議資料）PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("council-submission-seed-2025-fy2025-")
    assert download.suggested_filename.endswith(".pdf")
    text = subprocess.run(["pdftotext", "-raw", download.path(), "-"], capture_output=True,
                          check=True).stdout.decode()
    flat = "".join(text.split())
    for words in ("個人情報保護管理運営会議付議事項", "◇第3条第1項第3号（業務委託）", "（担当部課：総務部人材育成等担当課）",
                  "件名新宿区職員エンゲージメント向上等支援業務委託について",
                  "令和7年5月1日から令和8年3月31日まで(次年度以降も、同様の業務委託を行う。)",
                  "新宿区職員エンゲージメント向上等支援業務委託に係る個人情報の流れ",
                  "③データ取りまとめ及びCD-R等で送付", "⑤報告書（個人情報なし）およびデータ返却（CD-R等）"):
        assert words in flat, words
    assert all("".join(item.split()) in flat for item in SEED_TEXTS)

    # Her download is on the record, in words.
    page.goto("/audit/")
    page.get_by_label("操作（語句）").fill("付議事項")
    page.get_by_role("button", name="絞り込む").click()
    row = page.locator("table.data tbody tr").first
    assert row.locator("td[data-label='操作']").inner_text() == "付議事項（個人情報保護管理運営会議）を出力"
    assert row.locator("td[data-label='操作者']").inner_text() == "鈴木 一郎"

    # The contractor's manager of contract A sees his contract without the submission.
    manager = sign_in(new_page(), world.manager)
    manager.goto(f"/contracts/{world.contract.slug}/")
    assert manager.get_by_role("heading", name="契約A（令和7年度）").is_visible()
    assert manager.get_by_role("link", name="付議事項（会議資料）PDF").count() == 0
