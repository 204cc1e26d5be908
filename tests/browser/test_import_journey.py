"""An administrator imports the ward's Excel of contracts (desktop: an administrator's job at a ward terminal).

They download the blank template, upload a 40-row file whose 37th row ends before it starts, read the error
(row, column, what is wrong) with nothing written, upload the corrected file, read what will be created and
import it; the run is listed with the file's SHA-256. The pages pass axe (WCAG 2.1 A/AA) on the way."""

import hashlib

import pytest
from openpyxl import load_workbook

from contracts.models import Contract, Organisation
from tests.browser.test_accessibility import AXE_FILE_PATH, _violations
from tests.factories import make_world
from tests.imports.helpers import CONTRACT_HEADERS, administrator, contract_row, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def _rows(bad: bool):
    rows = [contract_row(n) for n in range(1, 41)]
    if bad:
        rows[35].update({"開始日": "2026-10-01", "終了日": "2026-09-30"})
    return rows


def test_an_administrator_imports_forty_contracts_after_fixing_row_37(new_page, sign_in, tmp_path):
    world = make_world()
    Organisation.objects.filter(pk=world.ward.pk).update(code="jinji")
    admin = administrator(world)
    before = Contract.objects.count()
    page = sign_in(new_page(viewport=DESKTOP), admin)
    page.context.add_init_script(path=str(AXE_FILE_PATH))
    page.get_by_role("link", name="一括取込").click()
    page.get_by_role("heading", level=1, name="一括取込").wait_for()
    page.reload()  # with axe loaded
    assert _violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="委託契約のひな形（Excel）").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    sheet = load_workbook(template).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert {"年度", "担当課コード", "件名", "委託先", "開始日", "終了日", "記録媒体", "対象者数", "種類"} <= set(headers)

    bad = tmp_path / "契約一覧.xlsx"
    bad.write_bytes(xlsx_bytes(CONTRACT_HEADERS, _rows(bad=True)))
    page.get_by_label("委託契約").check()
    page.get_by_label("ファイル").set_input_files(str(bad))
    page.get_by_role("button", name="アップロードして確かめる").click()
    page.get_by_role("heading", level=1, name="取込の確認: 委託契約").wait_for()
    errors = page.get_by_role("table", name="取り込めない箇所（行番号はExcelの行番号です）")
    row = errors.get_by_role("row").filter(has_text="37行目")
    assert row.get_by_role("cell").nth(1).inner_text() == "終了日"
    assert row.get_by_role("cell").nth(2).inner_text() == "委託の期限は開始時期より後の日付にしてください。"
    assert page.get_by_role("button", name="取り込む").count() == 0
    assert _violations(page) == []
    assert Contract.objects.count() == before

    good = tmp_path / "契約一覧（修正）.xlsx"
    data = xlsx_bytes(CONTRACT_HEADERS, _rows(bad=False))
    good.write_bytes(data)
    page.get_by_role("link", name="ファイルを選び直す").click()
    page.get_by_label("委託契約").check()
    page.get_by_label("ファイル").set_input_files(str(good))
    page.get_by_role("button", name="アップロードして確かめる").click()
    assert page.get_by_text("取り込むと、委託契約を40件登録し、0件更新します。").is_visible()
    assert page.get_by_text(hashlib.sha256(data).hexdigest()).is_visible()
    assert _violations(page) == []
    page.get_by_role("button", name="取り込む").click()
    assert page.get_by_text("委託契約を取り込みました（登録40件・更新0件）。").is_visible()
    runs = page.get_by_role("table", name="最近の取込（新しい順）")
    assert runs.get_by_role("row").filter(has_text="契約一覧（修正）.xlsx").filter(has_text="管理 太郎").count() == 1
    assert Contract.objects.count() == before + 40
