"""An administrator imports the 30-item 印刷・封入封緘 checklist template from Excel (desktop: an administrator's
job at a ward terminal), and a contract of that type prints it (issue 17: "imports a 30-item template from XLSX in
a browser journey; a contract of that type … prints its … checklist").

The first file has an unknown record key in its 37th row: the page names the row, the column and what is wrong,
and nothing is written. The fixture is then read, previewed as a draft (the items grouped by side and section,
each with its backing), and published. HR plans the printing contract on it: both sides list the 30 items and the
PDF (read back with pdftotext) prints every one. The pages pass axe (WCAG 2.1 A/AA) on the way."""

import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from checklist import services, template_import
from checklist.models import ChecklistTemplate, Mark, TemplateItem
from contracts.models import Contract
from contracttypes.models import ContractType
from tests.browser.test_accessibility import AXE_FILE_PATH, _violations
from tests.checklist.helpers import ensure_template, squash
from tests.checklist.test_template_import import fixture_rows, xlsx
from tests.factories import make_user, make_world

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "checklist_printing.xlsx"


def test_an_administrator_imports_the_printing_template_and_its_contract_prints_thirty_items(new_page, sign_in,
                                                                                            tmp_path):
    ensure_template()
    world = make_world()
    printing = ContractType.objects.get_or_create(code="printing", defaults={"name": "印刷・封入封緘"})[0]
    Contract.objects.filter(pk=world.other_contract.pk).update(contract_type=printing)
    admin = make_user("kanri", world.ward, display_name="管理 太郎")
    admin.groups.add(Group.objects.get_or_create(name="管理者")[0])
    from checklist.apps import ensure_admin_group

    ensure_admin_group()  # the group's permission (a flushed database lost what post_migrate gave it)
    before = (ChecklistTemplate.objects.count(), TemplateItem.objects.count())

    page = sign_in(new_page(viewport=DESKTOP), admin)
    page.context.add_init_script(path=str(AXE_FILE_PATH))
    page.get_by_role("link", name="チェックリストのひな形").click()
    page.get_by_role("heading", level=1, name="チェックリストのひな形").wait_for()
    assert _violations(page) == []
    page.get_by_role("link", name="Excel からひな形を取り込む").click()
    page.get_by_role("heading", level=1, name="チェックリストのひな形を取り込む").wait_for()
    assert _violations(page) == []

    # A file whose 37th row names a record the app does not keep.
    rows = fixture_rows()
    rows += [("運用上の対策", "事業者", n, f"printing.contractor.operational.{n:02d}", f"追加の項目 {n}", "添付による証明")
             for n in range(13, 23)]
    rows[36] = (*rows[36][:5], "contractor.operational.77")
    bad = tmp_path / "印刷チェックリスト.xlsx"
    bad.write_bytes(xlsx(rows))
    page.get_by_label("委託の種類").select_option(label="印刷・封入封緘")
    page.get_by_label("表題").fill("業務委託にかかる個人情報保護対策チェックリスト（印刷・封入封緘）")
    page.get_by_label("ひな形の Excel ファイル（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="読み取って確かめる").click()
    errors = page.locator("#row-errors")
    errors.wait_for()
    row = errors.get_by_role("row").filter(has_text="37行目")
    assert row.get_by_role("cell").nth(0).inner_text() == "裏付け"
    assert "contractor.operational.77" in row.get_by_role("cell").nth(1).inner_text()
    assert page.get_by_text("何も保存していません").count() >= 1
    assert _violations(page) == []
    assert (ChecklistTemplate.objects.count(), TemplateItem.objects.count()) == before

    # The fixture: read, kept as a draft and previewed.
    page.get_by_label("委託の種類").select_option(label="印刷・封入封緘")
    page.get_by_label("ひな形の Excel ファイル（.xlsx）").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="読み取って確かめる").click()
    page.get_by_text("30項目を下書き（第1版）として取り込みました。").wait_for()
    assert page.get_by_text("30項目（うち添付による証明 7項目）").is_visible()
    preview = page.locator("table.template-preview tbody tr")
    assert preview.count() == 30
    for heading in ("委託にあたり区が行う 個人情報保護対策", "委託事業者に行わせる 個人情報保護対策"):
        assert page.get_by_role("heading", level=3).filter(has_text=heading).count() == 1
    assert page.get_by_role("row").filter(has_text="宛名と封入物の一致").filter(has_text="添付による証明").count() == 1
    assert page.get_by_role("row").filter(has_text="管理簿に記載させる").filter(
        has_text="contractor.operational.09").count() == 1
    assert _violations(page) == []
    draft = ChecklistTemplate.objects.get(contract_type=printing)
    assert not draft.is_published

    page.get_by_label("この版を公開し、これから計画を作る契約に使います").check()
    page.get_by_role("button", name="この版を公開する").click()
    page.get_by_text("第1版を公開しました。").wait_for()
    assert page.get_by_role("table", name="ひな形の版（印刷・封入封緘）").get_by_text("現在使われる版").is_visible()
    assert _violations(page) == []
    draft.refresh_from_db()
    assert draft.is_published

    # HR plans the printing contract: it starts on the printing template.
    contract = Contract.objects.get(pk=world.other_contract.pk)
    template = services.template_for(contract)
    assert template == draft
    services.plan_save(contract=contract, marks={k: (Mark.PLANNED, "") for k in template.items.values_list("key", flat=True)},
                       actor=world.hr)
    services.plan_finalise(contract=contract, actor=world.hr)
    hr = sign_in(new_page(viewport=DESKTOP), world.hr)
    shown = 0
    for side, count in (("ward", 12), ("contractor", 18)):
        hr.goto(reverse("checklist:side", kwargs={"slug": contract.slug, "side": side}))
        assert hr.locator("tbody.checklist-item").count() == count
        shown += count
    assert shown == 30
    assert hr.get_by_text("添付による証明（実施済みとするには資料の添付が必要）").count() == 4
    hr.goto(reverse("checklist:overview", kwargs={"slug": contract.slug}))
    with hr.expect_download() as download_info:
        hr.get_by_role("link", name=re.compile(r"^PDF\s*（両方）$")).click()
    text = subprocess.run(["pdftotext", "-raw", download_info.value.path(), "-"], capture_output=True,
                          check=True).stdout.decode()
    flat = squash(text)
    items = template_import.read_items(FIXTURE.read_bytes()).items
    assert len(items) == 30
    missing = [item.key for item in items if squash(item.text) not in flat]
    assert not missing, missing
    assert "業務委託にかかる個人情報保護対策チェックリスト（印刷・封入封緘）" in flat

