"""Main paths of the other handover pages in Chromium: the periodic check, a return and its
acknowledgement, cancelling a mistaken entry, and the auditor's ledger across contracts as PDF."""

import subprocess

import pytest

from handover import services
from handover.models import Handover, Item, MediumKind
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def disc_at_contractor(world, label="CD-2025-001"):
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    disc = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=kind, label=label, contents="職員属性・調査回答")
    handover = services.handover_record(contract=world.contract, actor=world.hr, direction="delivery",
                                        recipient=world.handler, items=[disc])
    services.handover_acknowledge(handover=handover, actor=world.handler, time_confirmed=True)
    services.storage_record(item=disc, actor=world.handler, place="cabinet", location="キャビネットB-2", locked=True)
    return disc


def test_monthly_check_then_return_acknowledged_by_hr(new_page, sign_in):
    world = make_world()
    disc = disc_at_contractor(world)

    # The handling manager confirms the disc is still in the cabinet.
    manager = sign_in(new_page(), world.manager)
    manager.goto(f"/handover/{world.contract.slug}/items/")
    manager.get_by_role("link", name="CD-2025-001", exact=True).click()
    manager.get_by_label("備考").fill("月次確認")
    manager.get_by_role("button", name="保管場所にあることを確認した").click()
    assert manager.get_by_text("保管場所にあることを確認しました。").is_visible()
    assert manager.get_by_role("cell", name="定期確認（所在を確認）").is_visible()

    # The work is done: the handler returns the disc to HR.
    handler = sign_in(new_page(), world.handler)
    handler.goto(f"/handover/{world.contract.slug}/items/")
    handler.get_by_role("link", name="区へ返却する（受渡しを記録）").click()
    handler.get_by_label("CD-R CD-2025-001").check()
    handler.get_by_label("受け取る者").select_option(label="佐藤 花子")
    handler.get_by_role("button", name="管理簿に記録する").click()
    assert handler.get_by_text("受渡し No.2 を管理簿に記録しました。").is_visible()

    # HR acknowledges the return from the dashboard and locks the disc in the ward's safe.
    hr = sign_in(new_page(), world.hr)
    hr.get_by_role("link", name="返却の受領確認をしてください: 受渡し No.2（CD-2025-001）").click()
    hr.get_by_label("記録された受渡し日時").check()
    hr.get_by_role("button", name="受け取りました（受領確認）").click()
    assert hr.get_by_text("返却の受領確認をしました。").is_visible()
    hr.get_by_role("link", name="CD-2025-001", exact=True).click()
    assert hr.get_by_text("返却済み（区で保管）").first.is_visible()
    hr.get_by_label("保管設備").select_option(label="金庫")
    hr.get_by_label("保管場所", exact=True).fill("人材育成等担当課 金庫")
    hr.get_by_label("施錠できる設備に入れ、施錠した").check()
    hr.get_by_role("button", name="保管場所を記録する").click()
    assert hr.get_by_text("保管場所を記録しました。").is_visible()
    disc.refresh_from_db()
    assert disc.state == Item.State.RETURNED and disc.storage.location == "人材育成等担当課 金庫"


def test_hr_cancels_a_mistaken_entry_and_the_auditor_prints_the_ledger(new_page, sign_in):
    world = make_world()
    disc_at_contractor(world)
    paper = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                   label="P-001", contents="回答用紙の写し", pieces=2)
    services.handover_record(contract=world.contract, actor=world.hr, direction="delivery",
                             recipient=world.manager, items=[paper])

    hr = sign_in(new_page(), world.hr)
    hr.get_by_role("link", name="委託先の受領確認待ち: 受渡し No.2（P-001）").click()
    hr.get_by_label("取消の理由").fill("受け取る者の誤り")
    hr.once("dialog", lambda dialog: dialog.accept())
    hr.get_by_role("button", name="取り消す").click()
    assert hr.get_by_text("受渡し No.2 を取り消しました。").is_visible()
    assert Handover.objects.get(number=2).is_cancelled
    paper.refresh_from_db()
    assert paper.state == Item.State.PREPARED

    auditor = sign_in(new_page(), world.auditor)
    auditor.goto("/handover/")
    auditor.get_by_label("契約").select_option(label="契約A（令和7年度）")
    auditor.get_by_label("状態").select_option(label="受領確認済み")
    auditor.get_by_role("button", name="絞り込む").click()
    rows = auditor.locator("table.ledger tbody tr")
    assert rows.count() == 1 and "CD-2025-001" in rows.first.inner_text()
    with auditor.expect_download() as download_info:
        auditor.get_by_role("link", name="PDFで出力").click()
    text = subprocess.run(["pdftotext", "-layout", download_info.value.path(), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "個人情報受渡し管理簿" in text and "CD-2025-001" in text and "P-001" not in text


def test_a_late_entry_acknowledged_on_behalf_without_a_hash_reads_so_in_the_ledger(new_page, sign_in):
    """HR writes up yesterday's delivery late, with the reason; the analyst it went to is away, so the
    handling manager acknowledges for her, says why, and that the disc could not be hashed there."""
    import datetime as dt
    import hashlib

    from django.utils import timezone

    world = make_world()
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                           medium_kind=kind, label="CD-2025-009", contents="差替えデータ",
                           file_name="fix.xlsx", sha256=hashlib.sha256(b"fix").hexdigest())
    Item.objects.filter(label="CD-2025-009").update(created_at=timezone.now() - dt.timedelta(days=2),
                                                    state_changed_at=timezone.now() - dt.timedelta(days=2))
    yesterday = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT10:00")

    hr = sign_in(new_page(), world.hr)
    hr.goto(f"/handover/{world.contract.slug}/handovers/new/")
    hr.get_by_label("CD-R CD-2025-009").check()
    hr.get_by_label("受け取る者").select_option(label="山田 美咲")
    hr.get_by_label("受渡し日時").fill(yesterday)
    hr.get_by_role("button", name="管理簿に記録する").click()
    assert "記録が遅れた理由を入力してください" in hr.locator(".field.has-error").first.inner_text()
    hr.get_by_label("事後記録の理由").fill("庁外で手交し、翌日に記録")
    hr.get_by_role("button", name="管理簿に記録する").click()
    assert hr.get_by_text("受渡し No.1 を管理簿に記録しました。").is_visible()

    manager = sign_in(new_page(), world.manager)
    manager.get_by_role("link", name="山田 美咲さんの受領確認待ち: 受渡し No.1（CD-2025-009）").click()
    assert manager.get_by_text("この受渡しは山田 美咲さん宛てです。").is_visible()
    manager.get_by_label("記録された受渡し日時").check()
    manager.get_by_label("CD-2025-009 のSHA-256を計算できない").check()
    manager.get_by_label("計算できない理由").fill("読取装置が故障中")
    manager.get_by_role("button", name="受け取りました（受領確認）").click()
    assert "代理で受領確認する理由を入力してください" in manager.locator(".field.has-error").first.inner_text()
    manager.get_by_label("代理で受領確認する理由").fill("山田は出張中のため")
    manager.get_by_label("記録された受渡し日時").check()
    manager.get_by_label("CD-2025-009 のSHA-256を計算できない").check()
    manager.get_by_label("計算できない理由").fill("読取装置が故障中")
    manager.get_by_role("button", name="受け取りました（受領確認）").click()
    assert manager.get_by_text("受領確認をしました。保管場所を記録してください。").is_visible()

    manager.get_by_role("link", name="管理簿", exact=True).first.click()
    row = manager.locator("table.ledger tbody tr").first.inner_text()
    assert "事後記録" in row and "庁外で手交し、翌日に記録" in row
    assert "田中 誠（山田 美咲の代理・理由: 山田は出張中のため）" in row
    assert "SHA-256計算できない・理由: 読取装置が故障中" in row
    handover = Handover.objects.get(number=1, contract=world.contract)
    assert handover.acknowledged_for == world.handler and handover.is_late_entry
