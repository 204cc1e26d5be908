"""The end of the year in Chromium (issue 9): the contractor registers copies, files the deletion report, HR
sends one line back, it is fixed and accepted, and HR closes the contract — refused first, with the blockers
listed, each a link to where it is resolved."""

import pytest
from django.utils import timezone

from contracts.models import Contract
from handover import services
from handover.models import Item, MediumKind
from incidents import services as incident_services
from incidents.models import Incident
from tests.checklist.helpers import ensure_template
from tests.factories import make_world
from tests.year_end import locked_checklists, steps_by_hand
from yearend import report as reports
from yearend.models import CopyRecord, DeletionReport

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _year_nearly_done():
    """Contract A with the disc at the analyst's, steps ①–③ done, the report accepted, the measures recorded,
    the checklists locked — and one incident still open."""
    ensure_template()
    world = make_world()
    cd_r, _ = MediumKind.objects.get_or_create(name="CD-R", defaults={"destroy_only": True})
    disc = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=cd_r, label="CD-2025-001", contents="職員属性・調査回答（暗号化済み）")
    handover = services.handover_record(contract=world.contract, actor=world.hr, direction="delivery",
                                        recipient=world.handler, items=[disc])
    services.handover_acknowledge(handover=handover, actor=world.handler, time_confirmed=True)
    steps_by_hand(world)
    submitted = reports.report_submit(contract=world.contract, actor=world.manager, title="分析報告書",
                                      submitted_at=timezone.now(), pages=40, no_personal_data=True)
    reports.report_accept(report=submitted, actor=world.hr, checked=True)
    reports.measure_record(contract=world.contract, actor=world.hr, decided_on=timezone.localdate(), text="研修を行う")
    locked_checklists(world)
    incident_services.incident_report(contract=world.contract, actor=world.handler, kind=Incident.Kind.OTHER,
                                      discovered_at=timezone.now(), affected_count=0, items=[disc],
                                      description="キャビネットの鍵が一時見当たらなかった（後に発見）")
    return world, disc


def line(page, target):
    """The row of the deletion report's table for ``target``."""
    return page.locator("table.deletion-lines tbody tr").filter(has_text=target)


def test_copies_deletion_report_sent_back_fixed_accepted_and_the_contract_closed(new_page, sign_in):
    world, disc = _year_nearly_done()
    slug = world.contract.slug

    # The analyst records, on her phone, the copy she made on the analysis PC.
    handler = sign_in(new_page(viewport=PHONE), world.handler)
    handler.goto(f"/contracts/{slug}/")
    handler.get_by_role("link", name="複製等の記録").click()
    handler.get_by_label("分析用PC").check()
    handler.get_by_label("複製先（PC名・資産番号・媒体の管理番号等）").fill("ANL-PC-01")
    handler.get_by_label("複製の目的").fill("集計・分析のため")
    handler.get_by_label("暗号化している").check()
    handler.get_by_role("button", name="複製を記録する").click()
    assert handler.get_by_text("複製 No.1（分析用PC ANL-PC-01） を記録しました。").is_visible()
    assert CopyRecord.objects.get().made_by == world.handler

    # The handling manager, reminded on his dashboard, files the deletion report.
    manager = sign_in(new_page(), world.manager)
    assert manager.get_by_role("link", name="複製等の記録: 複製を作ったら、そのたびに記録してください（いま1件）").is_visible()
    manager.goto(f"/handover/{slug}/deletion/")
    manager.get_by_role("button", name="消去報告書を作成する").click()
    assert manager.get_by_text("消去報告書 No.1 を作成しました。").is_visible()

    line(manager, "CD-R CD-2025-001").get_by_role("link", name="記入する").click()
    assert manager.get_by_label("破壊（Destroy）").is_checked()
    assert manager.get_by_label("消去（Clear）").count() == 0  # a CD-R is destroyed, never cleared
    manager.get_by_label("方法", exact=True).fill("破砕機による粉砕")
    manager.get_by_label("使用したツール・機器").fill("光ディスク破砕機")
    manager.get_by_label("ツールの版").fill("DS-300")
    manager.get_by_label("実施日").fill(timezone.localdate().isoformat())
    manager.get_by_label("実施者").select_option(label="山田 美咲")
    manager.get_by_label("確認者").select_option(label="田中 誠")
    manager.get_by_label("確認の方法").fill("破片を目視で確認")
    manager.get_by_label("証明書の番号等").fill("PTM-DS-0001")
    manager.get_by_label("区の職員が立ち会った").check()
    manager.get_by_role("button", name="この行を保存する").click()
    assert manager.get_by_text("「CD-R CD-2025-001」の行を保存しました。").is_visible()

    line(manager, "複製 No.1（分析用PC ANL-PC-01）").get_by_role("link", name="記入する").click()
    manager.get_by_label("完全消去（Purge）").check()
    manager.get_by_label("方法", exact=True).fill("暗号化消去と上書き")
    manager.get_by_label("使用したツール・機器").fill("データ消去ソフト")
    manager.get_by_label("ツールの版").fill("4.1.0")
    manager.get_by_label("実施日").fill(timezone.localdate().isoformat())
    manager.get_by_label("実施者").select_option(label="田中 誠")
    manager.get_by_label("確認者").select_option(label="田中 誠")
    manager.get_by_label("確認の方法").fill("完了レポートを確認")
    manager.get_by_role("button", name="この行を保存する").click()
    assert manager.get_by_text("確認者は実施者とは別の方にしてください").first.is_visible()
    manager.get_by_label("確認者").select_option(label="山田 美咲")
    manager.get_by_role("button", name="この行を保存する").click()
    manager.get_by_role("button", name="区に提出する").click()
    assert manager.get_by_text("消去報告書 No.1 を区に提出しました。").is_visible()

    # HR sends the copy's line back with a reason.
    hr = sign_in(new_page(), world.hr)
    hr.get_by_role("link", name="消去報告書 No.1 の確認をしてください").click()
    hr.get_by_label("複製 No.1（分析用PC ANL-PC-01） の差戻しの理由").fill("完了レポートの番号を備考に書いてください")
    hr.get_by_role("button", name="差し戻す").click()
    assert hr.get_by_text("消去報告書 No.1 を差し戻しました。").is_visible()

    # The manager reads the reason, fixes the line and submits again.
    manager.goto("/")
    manager.get_by_role("link", name="消去報告書 No.1 が差し戻されました。差戻しの理由を見て直してください").click()
    assert manager.get_by_text("完了レポートの番号を備考に書いてください").is_visible()
    line(manager, "複製 No.1（分析用PC ANL-PC-01）").get_by_role("link", name="直す").click()
    manager.get_by_label("備考").fill("完了レポート No.2026-17")
    manager.get_by_role("button", name="この行を保存する").click()
    assert manager.get_by_text("修正済み").is_visible()
    manager.get_by_role("button", name="区に提出する").click()

    # HR accepts it; the disc is destroyed as the report says.
    hr.goto("/")
    hr.get_by_role("link", name="消去報告書 No.1 の確認をしてください").click()
    hr.get_by_role("button", name="受理する").click()
    assert hr.get_by_text("消去報告書 No.1 を受理しました。").is_visible()
    assert DeletionReport.objects.get().is_accepted
    disc.refresh_from_db()
    assert disc.state == Item.State.DISPOSED

    # HR tries to close: refused, with what is still open, each linked to where it is resolved.
    hr.goto(f"/contracts/{slug}/")
    hr.get_by_role("link", name="完了の手続き").click()
    assert hr.get_by_role("heading", name="まだ完了できません").is_visible()
    assert hr.get_by_role("button", name="完了する").count() == 0
    hr.get_by_role("link", name="事故 No.1（その他）が終結していません").click()
    hr.get_by_label("対応の結果（再発防止策を含む）").fill("鍵を発見した。鍵の保管場所を定めた。")
    hr.get_by_role("button", name="終結する").click()

    hr.goto(f"/contracts/{slug}/close/")
    hr.get_by_role("button", name="完了する").click()
    assert hr.get_by_text("契約を完了しました。調査データの削除を監査証跡に記録しました。").is_visible()
    assert hr.get_by_role("heading", name="完了", exact=True).is_visible()
    assert Contract.objects.get(pk=world.contract.pk).is_closed

    # Both sides download the accepted report's PDF.
    manager.goto(f"/handover/{slug}/deletion/")
    with manager.expect_download() as download:
        manager.get_by_role("link", name="PDFで出力").click()
    assert download.value.suggested_filename == f"{slug}-fy2025-deletion-report-1.pdf"
