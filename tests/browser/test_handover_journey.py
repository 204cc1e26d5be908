"""The handover journey of issue 3, in Chromium: a disc goes to the contractor, its notice on another day.

"The next day" is made by moving the first handover back one day in the database between steps,
not by changing the clock: the live server runs in a thread of this process, so patching
``timezone.now`` would also move the session expiry, the TOTP window and the audit timestamps under
the browser's feet. Moving the rows back is exactly what a day passing does to them, and the
app's rule reads only those rows.
"""

import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from handover.models import Handover, Item, MediumKind, StorageRecord
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

SEED_QUOTE = "「電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行う」"
SHA256 = hashlib.sha256(b"the encrypted package").hexdigest()


def backdate_one_day(handover: Handover) -> None:
    day = dt.timedelta(days=1)
    h = Handover.objects.get(pk=handover.pk)
    Handover.objects.filter(pk=h.pk).update(handed_at=h.handed_at - day, recorded_at=h.recorded_at - day,
                                            acknowledged_at=h.acknowledged_at - day)
    for item in Item.objects.filter(handover_lines__handover=h):
        Item.objects.filter(pk=item.pk).update(created_at=item.created_at - day,
                                               state_changed_at=item.state_changed_at - day,
                                               last_checked_at=item.last_checked_at - day)
        StorageRecord.objects.filter(item=item).update(recorded_at=item.last_checked_at - day)


def test_disc_then_notice_on_another_day_and_the_ledger_shows_both(new_page, sign_in):
    world = make_world()
    MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    slug = world.contract.slug

    # HR registers the disc and its password notice.
    hr = sign_in(new_page(), world.hr)
    hr.goto(f"/contracts/{slug}/")
    hr.get_by_role("link", name="記録媒体等・受渡し").click()
    hr.get_by_role("link", name="記録媒体等を登録する").click()
    hr.get_by_label("区分").select_option(label="電磁的媒体")
    hr.get_by_label("媒体の種類").select_option(label="CD-R")
    hr.get_by_label("管理番号").fill("CD-2025-001")
    hr.get_by_label("内容", exact=True).fill("職員属性・調査回答（暗号化済み）")
    hr.get_by_label("件数").fill("3012")
    hr.get_by_label("暗号化ファイル名").fill("engagement-2025.xlsx")
    hr.get_by_label("SHA-256").fill(SHA256)
    hr.get_by_role("button", name="登録する").click()
    assert hr.get_by_text("「CD-2025-001（CD-R）」を登録しました。").is_visible()
    hr.get_by_role("link", name="記録媒体等・受渡し").first.click()
    hr.get_by_role("link", name="記録媒体等を登録する").click()
    hr.get_by_label("区分").select_option(label="パスワード通知書")
    hr.get_by_label("管理番号").fill("PN-2025-001")
    hr.get_by_label("内容", exact=True).fill("CD-2025-001 のパスワード通知書")
    hr.get_by_label("このパスワード通知書で開く記録媒体").select_option(label="CD-2025-001（CD-R）")
    hr.get_by_role("button", name="登録する").click()
    assert hr.get_by_text("「PN-2025-001（パスワード通知書）」を登録しました。").is_visible()

    # Both handovers are entered with the same time, so the test means the same day even at midnight.
    stamp = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    # HR records the disc handover to the contractor's handler.
    hr.get_by_role("link", name="記録媒体等・受渡し").first.click()
    hr.get_by_role("link", name="委託先へ渡す（受渡しを記録）").click()
    hr.get_by_label("CD-R CD-2025-001").check()
    hr.get_by_label("受け取る者").select_option(label="山田 美咲")
    hr.get_by_label("受渡し日時").fill(stamp)
    hr.get_by_role("button", name="管理簿に記録する").click()
    assert hr.get_by_text("受渡し No.1 を管理簿に記録しました。").is_visible()
    first = Handover.objects.get(number=1, contract=world.contract)

    # The handler finds it on the dashboard, checks the hash, acknowledges, and records the cabinet.
    handler = sign_in(new_page(), world.handler)
    handler.get_by_role("link", name="受領確認をしてください: 受渡し No.1（CD-2025-001）").click()
    assert handler.get_by_text('certutil -hashfile "D:\\engagement-2025.xlsx" SHA256').is_visible()
    assert handler.get_by_text('shasum -a 256 "/Volumes/ディスク名/engagement-2025.xlsx"').is_visible()
    # The expected value is nowhere on the page: the hash has to come from the disc.
    assert SHA256 not in handler.content() and SHA256.upper() not in handler.content()
    # Skipping the hash is refused at its field.
    handler.get_by_label("記録された受渡し日時").check()
    handler.get_by_role("button", name="受け取りました（受領確認）").click()
    hash_field = handler.get_by_label("CD-2025-001（CD-R） のSHA-256（計算した値）")
    assert "計算したSHA-256を入力してください" in handler.locator(".field.has-error").first.inner_text()
    assert not Handover.objects.get(pk=first.pk).acknowledged_at
    # The field shows all 64 characters at once.
    box = hash_field.bounding_box()
    hash_field.fill(SHA256.upper())
    assert hash_field.evaluate("el => el.scrollWidth <= el.clientWidth"), box
    handler.get_by_label("記録された受渡し日時").check()
    handler.get_by_role("button", name="受け取りました（受領確認）").click()
    assert handler.get_by_text("受領確認をしました。保管場所を記録してください。").is_visible()
    assert handler.get_by_text("一致を確認").is_visible()
    handler.get_by_role("link", name="CD-2025-001 の保管場所を記録する").click()  # the way to do what the message asks
    handler.get_by_label("保管設備").select_option(label="キャビネット")
    handler.get_by_label("保管場所", exact=True).fill("分析室 キャビネットB-2")
    handler.get_by_label("施錠できる設備に入れ、施錠した").check()
    handler.get_by_role("button", name="保管場所を記録する").click()
    assert handler.get_by_text("保管場所を記録しました。").is_visible()
    assert Item.objects.get(label="CD-2025-001").storage.location == "分析室 キャビネットB-2"

    # Same day: HR tries to hand over the notice and is refused, with the seed's rule on the page.
    hr.get_by_role("link", name="記録媒体等・受渡し").first.click()
    hr.get_by_role("link", name="委託先へ渡す（受渡しを記録）").click()
    hr.get_by_label("パスワード通知書 PN-2025-001").check()
    hr.get_by_label("受け取る者").select_option(label="田中 誠")
    hr.get_by_label("受渡し日時").fill(stamp)
    hr.get_by_role("button", name="管理簿に記録する").click()
    refusal = hr.locator(".field.has-error .error")
    assert "同じ機会に渡すことはできません" in refusal.inner_text()
    assert SEED_QUOTE in refusal.inner_text()
    assert not Handover.objects.filter(number=2).exists()

    # The next day (see the module docstring): the same form, sent again, goes through.
    backdate_one_day(first)
    hr.get_by_role("button", name="管理簿に記録する").click()
    assert hr.get_by_text("受渡し No.2 を管理簿に記録しました。").is_visible()

    # The handling manager acknowledges the notice.
    manager = sign_in(new_page(), world.manager)
    manager.get_by_role("link", name="受領確認をしてください: 受渡し No.2（PN-2025-001）").click()
    manager.get_by_label("記録された受渡し日時").check()
    manager.get_by_role("button", name="受け取りました（受領確認）").click()
    assert manager.get_by_text("受領確認をしました。").is_visible()

    # HR opens the ledger and downloads it as XLSX: both lines, both acknowledged.
    hr.get_by_role("link", name="管理簿", exact=True).first.click()
    rows = hr.locator("table.ledger tbody tr")
    assert rows.count() == 2
    with hr.expect_download() as download_info:
        hr.get_by_role("link", name="Excel（XLSX）で出力").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"ledger-{slug}-")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    lines = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6) if row[0].value]
    assert [line[0] for line in lines] == [1, 2]  # oldest first, as a paper 管理簿
    disc_line, notice_line = lines
    assert notice_line[5:7] == ["佐藤 花子", "田中 誠"]
    assert notice_line[7].startswith("パスワード通知書 PN-2025-001")
    assert notice_line[11] == "田中 誠"
    assert disc_line[5:7] == ["佐藤 花子", "山田 美咲"]
    assert disc_line[7].startswith("CD-R CD-2025-001 職員属性・調査回答（暗号化済み）（3,012件）")
    assert disc_line[11] == "山田 美咲（SHA-256一致）"
    assert all(line[9] == "手渡し・鍵付きカバン" for line in lines)
    assert all(isinstance(line[1], dt.datetime) for line in lines)
