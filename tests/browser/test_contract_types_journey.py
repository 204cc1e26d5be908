"""An administrator sets up the 印刷・封入封緘 contract type with its four steps in the admin; HR runs the flow of a
contract of that type (each step completed on its page) and prints its council submission, which draws the four
steps; HR records the address data sent over LGWAN and the printer's handler acknowledges it on her phone."""

import subprocess

import pytest

from contracts.models import Designation
from contracttypes.models import ContractType
from handover.models import OnlineTransfer
from tests.checklist.helpers import ensure_template
from tests.factories import designate, make_contract, make_user, make_world

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
STEPS = [("区が宛名データを作成しLGWANで送付", "ward"), ("委託先が印刷", "contractor"),
         ("委託先が封入封緘・発送", "contractor"), ("データ消去の報告", "contractor")]


def _superuser(world):
    admin = make_user("kanri", world.ward, display_name="管理 太郎")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    return admin


def test_an_administrator_sets_up_the_printing_type_and_its_contract_runs_its_flow_and_prints(new_page, sign_in):
    ensure_template()
    world = make_world()
    page = sign_in(new_page(viewport=DESKTOP), _superuser(world))

    page.goto("/admin/contracttypes/contracttype/add/")
    page.locator("#id_code").fill("printing")
    page.locator("#id_name").fill("印刷・封入封緘")
    page.locator("#id_uses_media_custody").uncheck()
    page.locator("#id_uses_online_transfer").check()
    group = page.locator("#steps-group")
    while group.locator("tr.form-row:not(.empty-form)").count() < len(STEPS):
        group.locator("tr.add-row a").click()
    for i, (text, actor) in enumerate(STEPS):
        page.locator(f"#id_steps-{i}-number").fill(str(i + 1))
        page.locator(f"#id_steps-{i}-text").fill(text)
        page.locator(f"#id_steps-{i}-actor").select_option(actor)
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/contracttypes/contracttype/")
    kind = ContractType.objects.get(code="printing")
    assert list(kind.steps.values_list("number", "text")) == [(i + 1, t) for i, (t, _a) in enumerate(STEPS)]
    assert kind.uses_online_transfer and not kind.uses_media_custody and not kind.is_default

    contract = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="print-2025",
                             title="住民税納税通知書の印刷・封入封緘業務委託", project_name="住民税納税通知書の送付",
                             contract_type=kind)
    hr = sign_in(new_page(viewport=DESKTOP), world.hr)
    hr.goto(f"/contracts/{contract.slug}/")
    steps = hr.locator("#steps-h + ol.steps > li")
    assert steps.count() == 4
    assert steps.nth(0).locator(".step-label").inner_text() == "① 区が宛名データを作成しLGWANで送付"
    for number in range(1, 5):
        hr.locator(f"#step-{number}").get_by_role("link", name="完了にする").click()
        hr.get_by_label("備考").fill(f"工程{number}の記録")
        hr.get_by_role("button", name="完了として記録する").click()
        assert hr.locator(f"#step-{number} .badge.ok").inner_text() == "完了"
    assert contract.steps.filter(completed_at__isnull=False).count() == 4

    with hr.expect_download() as download_info:
        hr.get_by_role("link", name="付議事項（会議資料）PDF").click()
    text = subprocess.run(["pdftotext", "-raw", download_info.value.path(), "-"], capture_output=True,
                          check=True).stdout.decode()
    flat = "".join(text.split())
    at = [flat.find(f"{c}{t}") for c, (t, _a) in zip("①②③④", STEPS, strict=True)]
    assert all(p >= 0 for p in at) and at == sorted(at), at
    assert "住民税納税通知書の送付に係る個人情報の流れ" in flat and "委託の種類:印刷・封入封緘" in flat


def test_the_printers_handler_acknowledges_the_data_sent_over_lgwan_on_her_phone(new_page, sign_in):
    from contracttypes.demo import ensure_printing_type

    ensure_template()
    world = make_world()
    contract = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="print-2025",
                             contract_type=ensure_printing_type())
    designate(contract, world.manager, Designation.Kind.MANAGER, actor=world.hr)
    designate(contract, world.handler, Designation.Kind.HANDLER, actor=world.hr)

    hr = sign_in(new_page(viewport=DESKTOP), world.hr)
    hr.goto(f"/contracts/{contract.slug}/")
    assert hr.get_by_role("link", name="記録媒体等・受渡し").count() == 0
    hr.get_by_role("link", name="送信（LGWAN等）").first.click()
    hr.get_by_label("受信する者（委託先）").select_option(label="山田 美咲")
    hr.get_by_label("送信日時").fill("2025-06-02T10:00")
    hr.get_by_label("ファイル名").fill("atena_20250602.zip")
    hr.get_by_label("SHA-256").fill("ab" * 32)
    hr.get_by_label("サイズ（バイト）").fill("48213504")
    hr.get_by_role("button", name="送信を記録する").click()
    assert "送信 No.1 を記録しました。" in hr.locator("body").inner_text()
    transfer = OnlineTransfer.objects.get()

    phone = sign_in(new_page(**PHONE), world.handler)
    phone.goto(f"/handover/{contract.slug}/transfers/{transfer.pk}/")
    assert phone.get_by_text("ab" * 32).is_visible()
    phone.get_by_role("button", name="受け取りました（受信確認）").click()
    assert "確認の欄に印を付けてください" in phone.locator("#id_confirmed_error").inner_text()
    phone.get_by_label("ファイルを受け取り、SHA-256が記録の値と一致することを確かめました").check()
    phone.get_by_role("button", name="受け取りました（受信確認）").click()
    assert "受信確認をしました。" in phone.locator("body").inner_text()
    assert phone.locator("h1 .badge").inner_text() == "受信確認済み"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    transfer.refresh_from_db()
    assert transfer.acknowledged_by == world.handler
