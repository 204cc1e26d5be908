"""The pages: what HR, the contractor and the auditor see and do in the browser's place."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.spreadsheet import WAREKI_DATETIME_FORMAT
from handover.models import Handover, Item

from .conftest import DISC_SHA256, acknowledge, deliver, register_disc, tokyo

SEED_QUOTE = "「電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行う」"


def url(name, world, **kwargs):
    return reverse(f"handover:{name}", kwargs={"slug": world.contract.slug, **kwargs})


def test_hr_registers_a_disc_and_its_notice(client_as, world, cd_r, clock):
    client = client_as(world.hr)
    response = client.post(url("item_create", world), {
        "category": "medium", "medium_kind": cd_r.pk, "label": "CD-2025-001", "contents": "職員属性・調査回答",
        "record_count": "3012", "pieces": "1", "file_name": "engagement.xlsx", "sha256": DISC_SHA256,
    })
    disc = Item.objects.get(label="CD-2025-001")
    assert response.status_code == 302 and response["Location"] == url("item_detail", world, pk=disc.pk)
    response = client.post(url("item_create", world), {
        "category": "notice", "label": "PN-2025-001", "contents": "通知書", "pieces": "1", "opens": disc.pk,
    })
    assert response.status_code == 302
    page = client.get(url("items", world)).content.decode()
    assert "CD-2025-001" in page and "PN-2025-001" in page and "区で保管（未交付）" in page


def test_a_duplicate_label_is_shown_next_to_the_field(client_as, world, disc):
    response = client_as(world.hr).post(url("item_create", world), {
        "category": "paper", "label": "CD-001", "contents": "x", "pieces": "1"})
    assert response.status_code == 400
    assert "管理番号「CD-001」はこの契約ですでに使われています。" in response.content.decode()


def test_the_refusal_of_the_separation_rule_is_shown_on_the_form(client_as, world, disc, notice, clock):
    client = client_as(world.hr)
    form = {"recipient": world.handler.pk, "handed_at": "2025-06-10T09:00", "by_hand": "on",
            "container": "鍵付きカバン"}
    response = client.post(url("handover_create", world), {**form, "items": [disc.pk, notice.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    assert SEED_QUOTE in page
    assert Handover.objects.count() == 0
    response = client.post(url("handover_create", world), {**form, "items": [disc.pk]})
    handover = Handover.objects.get()
    assert response.status_code == 302 and response["Location"] == url("handover_detail", world, pk=handover.pk)


def test_the_handover_form_offers_only_approved_designees_and_items_at_the_ward(client_as, world, disc, notice):
    deliver(world, [disc])
    page = client_as(world.hr).get(url("handover_create", world)).content.decode()
    assert "田中 誠" in page and "山田 美咲" in page and "manager_a" not in page
    assert "小林 健" not in page and "鈴木 一郎" not in page
    assert "PN-001" in page and "CD-001" not in page  # the disc is already out


def test_the_contractor_records_a_return_to_hr(client_as, world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    client = client_as(world.handler)
    page = client.get(url("handover_create", world)).content.decode()
    assert "委託先→区（返却）" in page and "佐藤 花子" in page and "（hr）" not in page
    response = client.post(url("handover_create", world), {
        "items": [disc.pk], "recipient": world.hr.pk, "handed_at": "2025-06-11T09:00", "by_hand": "on",
        "container": "鍵付きカバン"})
    assert response.status_code == 302
    assert Handover.objects.get(direction="return").recipient == world.hr


def test_the_acknowledgement_page_shows_the_hash_commands(client_as, world, disc):
    handover = deliver(world, [disc])
    client = client_as(world.handler)
    page = client.get(url("handover_detail", world, pk=handover.pk)).content.decode()
    assert 'certutil -hashfile "D:\\engagement.xlsx" SHA256' in page
    assert 'shasum -a 256 "/Volumes/ディスク名/engagement.xlsx"' in page
    assert "受け取りました（受領確認）" in page
    response = client.post(url("handover_acknowledge", world, pk=handover.pk),
                           {f"sha256_{disc.pk}": "1" * 64, "time_confirmed": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "SHA-256が登録された値と一致しません" in page and "この不一致は記録されました" in page
    handover.refresh_from_db()
    assert handover.is_in_transit
    response = client.post(url("handover_acknowledge", world, pk=handover.pk),
                           {f"sha256_{disc.pk}": DISC_SHA256, "time_confirmed": "on"})
    assert response.status_code == 302
    page = client.get(url("handover_detail", world, pk=handover.pk)).content.decode()
    assert "一致を確認" in page and "SHA-256の不一致の記録" in page


def test_after_acknowledging_the_page_links_to_recording_the_storage_place(client_as, world, disc):
    """Issue 14 E.15: 「保管場所を記録してください」 comes with the way to do it, for each item received."""
    handover = deliver(world, [disc])
    client = client_as(world.handler)
    response = client.post(url("handover_acknowledge", world, pk=handover.pk),
                           {f"sha256_{disc.pk}": DISC_SHA256, "time_confirmed": "on"}, follow=True)
    page = response.content.decode()
    assert "受領確認をしました。保管場所を記録してください。" in page
    link = f'href="{url("item_detail", world, pk=disc.pk)}#storage-h"'
    assert link in page
    assert "CD-001 の保管場所を記録する" in page
    # HR, who does not hold the disc, is not offered it; once recorded, it is no longer asked.
    assert link not in client_as(world.hr).get(url("handover_detail", world, pk=handover.pk)).content.decode()
    client.post(url("storage_record", world, pk=disc.pk), {"place": "cabinet", "location": "キャビネットB-2",
                                                           "locked": "on"})
    assert link not in client.get(url("handover_detail", world, pk=handover.pk)).content.decode()


def test_people_are_named_by_their_names_not_usernames(client_as, world, disc):
    """Issue 14 E.18: the SHA-256 mismatch record said 「handler_a」 and the recipient list 「（handler_a）」."""
    handover = deliver(world, [disc])
    client = client_as(world.handler)
    client.post(url("handover_acknowledge", world, pk=handover.pk), {f"sha256_{disc.pk}": "1" * 64,
                                                                      "time_confirmed": "on"})
    page = client_as(world.hr).get(url("handover_detail", world, pk=handover.pk)).content.decode()
    record = page.split('id="mismatch-h"', 1)[1].split("</section>", 1)[0]
    assert "山田 美咲" in record and "handler_a" not in record
    register_disc(world, disc.medium_kind, label="CD-002")
    form = client_as(world.hr).get(url("handover_create", world)).content.decode()
    assert "山田 美咲" in form and "handler_a" not in form and "manager_a" not in form


def test_hr_does_not_see_the_acknowledge_button_of_a_delivery(client_as, world, disc):
    handover = deliver(world, [disc])
    page = client_as(world.hr).get(url("handover_detail", world, pk=handover.pk)).content.decode()
    assert "受け取りました（受領確認）" not in page
    assert "記録を取り消す" in page


def test_a_second_acknowledgement_gets_a_clear_message(client_as, world, disc):
    handover = acknowledge(deliver(world, [disc]), world.handler)
    response = client_as(world.manager).post(url("handover_acknowledge", world, pk=handover.pk), follow=True)
    assert "すでに山田 美咲さんが" in response.content.decode()


def test_storage_and_check_from_the_item_page(client_as, world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    client = client_as(world.handler)
    page = client.get(url("item_detail", world, pk=disc.pk)).content.decode()
    assert "保管場所を記録する" in page
    response = client.post(url("storage_record", world, pk=disc.pk),
                           {"place": "cabinet", "location": "キャビネットB-2"})
    assert response.status_code == 400 and "施錠できる金庫又はキャビネット等に保管する。" in response.content.decode()
    client.post(url("storage_record", world, pk=disc.pk), {"place": "cabinet", "location": "キャビネットB-2",
                                                           "locked": "on"})
    clock.advance(days=30)
    client = client_as(world.handler)  # a month later: a new session
    response = client.post(url("storage_check", world, pk=disc.pk), {"note": "月次"})
    assert response.status_code == 302 and response["Location"] == url("item_detail", world, pk=disc.pk)
    page = client.get(url("item_detail", world, pk=disc.pk)).content.decode()
    for event in ("登録", "受渡し No.1（区→委託先（提供））", "受領確認（受渡し No.1）", "保管場所の記録", "定期確認（所在を確認）"):
        assert event in page
    assert "キャビネット キャビネットB-2" in page


def test_the_item_page_shows_its_whole_history_across_a_return(world, disc, clock):
    from handover.selectors import item_history

    from .conftest import give_back

    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=200)
    acknowledge(give_back(world, [disc]), world.hr)
    titles = [event.title for event in item_history(disc)]
    assert titles == ["登録", "受渡し No.1（区→委託先（提供））", "受領確認（受渡し No.1）",
                      "受渡し No.2（委託先→区（返却））", "受領確認（受渡し No.2）"]


# --- the ledger ----------------------------------------------------------------------------------


def make_handovers(world, cd_r, count, start=0):
    """``count`` acknowledged deliveries of paper and discs, through the services."""
    from handover import services

    made = []
    for i in range(start, start + count):
        item = services.item_register(contract=world.contract, actor=world.hr, category="medium", medium_kind=cd_r,
                                      label=f"L-{i:04d}", contents="回答データ", record_count=i)
        recipient = world.handler if i % 2 else world.manager
        made.append(acknowledge(deliver(world, [item], recipient=recipient), recipient))
    return made


def test_the_ledger_shows_each_handover_with_what_the_seed_asks(client_as, world, disc, notice, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    deliver(world, [notice], recipient=world.manager)
    page = client_as(world.auditor).get(url("ledger", world)).content.decode()
    for text in ("令和7年6月10日 09:00", "令和7年6月11日 09:00", "佐藤 花子", "山田 美咲", "田中 誠",
                 "CD-R CD-001 職員属性・調査回答（3,012件）", "パスワード通知書 PN-001", "手渡し・鍵付きカバン",
                 "未確認（受領確認待ち）"):
        assert text in page, text


def test_the_ledger_query_count_does_not_grow_with_its_entries(client_as, world, cd_r, clock,
                                                               django_assert_max_num_queries):
    make_handovers(world, cd_r, 5)
    client = client_as(world.hr)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url("ledger", world)).status_code == 200
    make_handovers(world, cd_r, 50, start=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("ledger", world))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 55
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        assert client.get(reverse("handover:ledger_all")).status_code == 200


def test_the_ledger_filters(client_as, world, disc, notice, clock):
    from .conftest import register_paper

    acknowledge(deliver(world, [disc]), world.handler)
    clock.set(tokyo(2025, 7, 1, 10, 0))
    deliver(world, [notice, register_paper(world)], recipient=world.manager)
    client = client_as(world.hr)

    def numbers(**query):
        response = client.get(url("ledger", world), query)
        return [h.number for h, _ack in response.context["rows"]]

    assert numbers() == [2, 1]
    assert numbers(category="notice") == [2]
    assert numbers(category="medium") == [1]
    assert numbers(status="in_transit") == [2]
    assert numbers(direction="return") == []
    assert numbers(date_from="2025-06-10", date_to="2025-06-10") == [1]
    assert numbers(date_from="2025-06-11") == [2]


def test_the_ledger_across_contracts_shows_only_the_persons_contracts(client_as, world, disc, cd_r, clock):
    from handover import services

    deliver(world, [disc])
    other = services.item_register(contract=world.other_contract, actor=world.hr, category="medium",
                                   medium_kind=cd_r, label="B-001", contents="B社のデータ")
    services.handover_record(contract=world.other_contract, actor=world.hr, direction="delivery",
                             recipient=world.other_manager, items=[other])
    assert {h.contract.slug for h, _ in client_as(world.hr).get(reverse("handover:ledger_all")).context["rows"]} \
        == {"contract-a", "contract-b"}
    page = client_as(world.manager).get(reverse("handover:ledger_all")).content.decode()
    assert "CD-001" in page and "B-001" not in page
    response = client_as(world.hr).get(reverse("handover:ledger_all"), {"contract": "contract-b"})
    assert [h.contract.slug for h, _ in response.context["rows"]] == ["contract-b"]


# --- the dashboard and the contract menu ---------------------------------------------------------


def test_dashboards_show_what_waits_for_each_side(client_as, world, disc, cd_r, clock):
    from handover import services

    handover = deliver(world, [disc])
    page = client_as(world.handler).get("/").content.decode()
    assert "受領確認をしてください: 受渡し No.1（CD-001）" in page
    page = client_as(world.hr).get("/").content.decode()
    assert "委託先の受領確認待ち: 受渡し No.1（CD-001）" in page
    assert "受領確認をしてください" not in client_as(world.other_manager).get("/").content.decode()

    acknowledge(handover, world.handler)
    assert "保管場所を記録してください: CD-001" in client_as(world.manager).get("/").content.decode()
    services.storage_record(item=disc, actor=world.handler, place="safe", location="金庫", locked=True)
    clock.advance(days=31)
    for person in (world.manager, world.hr):
        page = client_as(person).get("/").content.decode()
        assert "保管状況の定期確認が期限を過ぎています: CD-001" in page
        assert "期限超過" in page

    returned = services.handover_record(contract=world.contract, actor=world.handler, direction="return",
                                        recipient=world.hr, items=[disc])
    assert returned.is_in_transit
    assert "返却の受領確認をしてください: 受渡し No.2（CD-001）" in client_as(world.hr).get("/").content.decode()


def test_the_contract_page_links_to_items_and_ledger(client_as, world):
    page = client_as(world.auditor).get(f"/contracts/{world.contract.slug}/").content.decode()
    assert url("items", world) in page and url("ledger", world) in page


# --- exports -------------------------------------------------------------------------------------


def test_the_ledger_xlsx_has_the_ledgers_columns_and_rows(client_as, world, disc, notice, clock):
    import io

    from openpyxl import load_workbook

    acknowledge(deliver(world, [disc], notes="=HYPERLINK(\"http://evil\")"), world.handler,
                hashes={disc.pk: DISC_SHA256})
    clock.advance(days=1)
    deliver(world, [notice], recipient=world.manager)
    response = client_as(world.auditor).get(url("ledger_export", world, fmt="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ledger-contract-a-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert rows[0] == ["No.", "受渡し日時", "記録日時", "事後記録", "方向", "渡した者（取扱者）", "受け取った者", "情報の内容",
                       "数量", "方法", "受領確認日時", "受領確認", "備考"]
    # Oldest first, as a paper 管理簿 reads; times are real dates (naive Tokyo time) that sort and filter.
    disc_row, notice_row = rows[1], rows[2]
    assert disc_row[:3] == [1, dt.datetime(2025, 6, 10, 9, 0), dt.datetime(2025, 6, 10, 9, 0)]
    assert disc_row[4:10] == ["区→委託先（提供）", "佐藤 花子", "山田 美咲", "CD-R CD-001 職員属性・調査回答（3,012件） 1枚", 1,
                              "手渡し・鍵付きカバン"]
    assert disc_row[10:12] == [dt.datetime(2025, 6, 10, 9, 0), "山田 美咲（SHA-256一致）"]
    assert disc_row[12] == "=HYPERLINK(\"http://evil\")"  # a string cell: the text as typed, never run
    assert sheet.cell(row=6, column=13).data_type == "s"
    assert notice_row[:2] == [2, dt.datetime(2025, 6, 11, 9, 0)]
    assert notice_row[4:10] == ["区→委託先（提供）", "佐藤 花子", "田中 誠", "パスワード通知書 PN-001 パスワード通知書 1通", 1,
                                "手渡し・鍵付きカバン"]
    assert notice_row[10] is None and notice_row[11] == "未確認（受領確認待ち）"
    for column in (2, 3, 11):
        assert sheet.cell(row=6, column=column).number_format == WAREKI_DATETIME_FORMAT
    assert AuditEntry.objects.filter(action="handover.ledger.exported", actor=world.auditor).exists()


def test_the_ledger_pdf_reads_as_the_ledger(client_as, world, disc, clock):
    import subprocess

    acknowledge(deliver(world, [disc]), world.handler)
    response = client_as(world.hr).get(url("ledger_export", world, fmt="pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    for words in ("個人情報受渡し管理簿", "契約A", "CD-001", "佐藤 花子", "山田 美咲", "令和7年6月10日"):
        assert words in text, words


def test_an_unknown_export_format_is_not_found(client_as, world):
    assert client_as(world.hr).get(url("ledger_export", world, fmt="csv")).status_code == 404


# --- commands ------------------------------------------------------------------------------------


def test_export_ledger_command_writes_xlsx_and_pdf(world, disc, tmp_path):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    deliver(world, [disc])
    out = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--contract", world.contract.slug, "--format", "xlsx", "--out", str(out),
                 stdout=io.StringIO())
    sheet = load_workbook(out).active
    assert sheet.cell(row=6, column=8).value.startswith("CD-R CD-001")
    pdf = tmp_path / "ledger.pdf"
    call_command("export_ledger", "--contract", world.contract.slug, "--format", "pdf", "--out", str(pdf),
                 stdout=io.StringIO())
    assert pdf.read_bytes().startswith(b"%PDF")


def test_send_reminders_mails_pending_acknowledgements_and_overdue_checks(world, disc, cd_r, clock, mailoutbox):
    import io

    from django.core.management import call_command

    from handover import services

    from .conftest import register_disc

    acknowledge(deliver(world, [disc]), world.handler)
    services.storage_record(item=disc, actor=world.handler, place="safe", location="金庫", locked=True)
    second = register_disc(world, cd_r, label="CD-002")
    deliver(world, [second], recipient=world.manager)
    # The handover reminders' mails (other apps' daily reminders, e.g. status reports, have subjects of their own).
    subjects = {"【督促】受領確認・保管状況の定期確認のお願い", "【監査証跡】本日のアンカー（印刷して保管）"}
    call_command("send_reminders", stdout=io.StringIO())
    # Nothing is late yet: only the auditor's daily mail with the audit trail's anchor (tests/audit).
    assert [mail.to for mail in mailoutbox if mail.subject in subjects] == [[world.auditor.email]]
    mailoutbox.clear()

    clock.advance(days=31)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    reminders = [mail for mail in mailoutbox if mail.subject == "【督促】受領確認・保管状況の定期確認のお願い"]
    assert len(reminders) == 3  # one each
    by_person = {mail.to[0]: mail for mail in reminders}
    assert set(by_person) == {world.manager.email, world.hr.email, world.handler.email}
    assert "受渡し No.2" in by_person[world.manager.email].body  # the recipient
    assert "受渡し No.2" in by_person[world.hr.email].body       # the giver
    assert "CD-001" in by_person[world.handler.email].body       # the holder of an overdue item
    assert "CD-001" in by_person[world.hr.email].body            # HR of the contract
    assert "4 reminder mails sent (1 pending acknowledgements, 1 overdue storage checks)" in out.getvalue()
    assert AuditEntry.objects.filter(action="handover.reminders.sent").count() == 2


def test_the_demo_can_be_seeded_twice(db, mailoutbox):
    from contracts.demo import demo_contracts
    from handover import demo

    # What load_demo does for this app (the other apps' demo data is theirs to test).
    demo.add_to_demo(demo_contracts())
    demo.add_to_demo(demo_contracts())
    # FY2025 (the seed contract) is a finished year: delivered, then the notice returned; the disc stays
    # with the contractor here, to be destroyed as the deletion report says (contracts.year_end_demo).
    last_year = Handover.objects.filter(contract__slug="shinjuku-engagement-2025").order_by("number")
    assert [(h.direction, h.status) for h in last_year] == (
        [("delivery", "acknowledged")] * 2 + [("return", "acknowledged")])
    states = {item.label: item.state for item in Item.objects.filter(contract__slug="shinjuku-engagement-2025")}
    assert states == {"CD-2025-001": "at_contractor", "PN-2025-001": "returned"}
    # FY2026 (the current year) is told relative to today.
    items = {item.label: item for item in Item.objects.filter(contract__slug="shinjuku-engagement-2026")}
    assert set(items) == {"CD-2026-001", "PN-2026-001", "CD-2026-002"}
    assert items["CD-2026-001"].is_at_contractor and items["PN-2026-001"].is_at_contractor
    assert items["CD-2026-002"].is_in_transit
    handovers = list(Handover.objects.filter(contract__slug="shinjuku-engagement-2026").order_by("number"))
    assert [h.status for h in handovers] == ["acknowledged", "acknowledged", "in_transit"]
    first, second = handovers[0].handed_at, handovers[1].handed_at
    assert (second - first) >= dt.timedelta(hours=24)
    assert all(item.storage_checks.count() == 1 for item in (items["CD-2026-001"], items["PN-2026-001"]))
    assert items["CD-2026-001"].next_check_due > dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_everyone_exports_only_their_contracts(client_as, world, disc, fmt):
    deliver(world, [disc])
    response = client_as(world.other_manager).get(reverse("handover:ledger_all_export", kwargs={"fmt": fmt}))
    assert response.status_code == 200
    assert b"CD-001" not in response.content


def test_the_export_states_its_filters_in_words(client_as, world, disc):
    import io

    from openpyxl import load_workbook

    deliver(world, [disc])
    response = client_as(world.hr).get(url("ledger_export", world, fmt="xlsx"),
                                       {"category": "medium", "status": "in_transit", "date_from": "2025-06-01"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "区分=電磁的媒体" in sheet["A3"].value and "状態=受領確認待ち" in sheet["A3"].value
    assert "期間（から）=2025-06-01" in sheet["A3"].value
    assert sheet.cell(row=6, column=1).value == 1


def test_a_closed_contract_offers_no_form_and_says_why(client_as, world, disc):
    from contracts.models import Contract

    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.CLOSED)
    client = client_as(world.hr)
    page = client.get(url("items", world)).content.decode()
    assert "記録媒体等を登録する" not in page and "委託先へ渡す（受渡しを記録）" not in page
    for name in ("item_create", "handover_create"):
        page = client.get(url(name, world)).content.decode()
        assert "この契約は完了しているため、記録できません。" in page and "<form method=\"post\" novalidate>" not in page
    response = client.post(url("handover_create", world), {
        "items": [disc.pk], "recipient": world.handler.pk, "handed_at": "2025-06-10T09:00", "by_hand": "on",
        "container": "鍵付きカバン"})
    assert response.status_code == 400 and "この契約は完了しているため、記録できません。" in response.content.decode()
    assert not Handover.objects.exists()


def test_the_storage_places_example_does_not_repeat_the_kind_chosen_beside_it(client_as, world, disc):
    """Issue 14, E.18: the example 「分析室 キャビネットB-2」 under 保管設備 「キャビネット」 was typed as given and read back
    as 「キャビネット 分析室 キャビネットB-2」; the example names the room and the number, the select names the kind."""
    import re

    from handover.models import StorageRecord

    acknowledge(deliver(world, [disc]), world.handler)
    page = client_as(world.handler).get(url("item_detail", world, pk=disc.pk)).content.decode()
    example = re.search(r'<p class="help" id="id_location_helptext">([^<]*)</p>', page).group(1)
    assert example.startswith("例:")
    assert [str(label) for label in StorageRecord.Place.labels if str(label) in example] == []


def test_the_labels_example_names_the_contracts_own_fiscal_year(client_as, world):
    """Issue 14, E.18: an example naming a year names the contract's (CD-2026-001 for FY2026, not CD-2025-001)."""
    import re

    from contracts.models import Contract

    Contract.objects.filter(pk=world.contract.pk).update(fiscal_year=2026)
    page = client_as(world.hr).get(url("item_create", world)).content.decode()
    example = re.search(r'<p class="help" id="id_label_helptext">([^<]*)</p>', page).group(1)
    assert "CD-2026-001" in example and "PN-2026-001" in example and "2025" not in example


def test_a_person_without_a_name_on_record_is_never_shown_by_username(client_as, world, disc, clock):
    """Issue 14, E.18: templates fell back to the username (「handler_a」) where a person's name was missing; the
    one rule (audit.formatting.person_name, the ``person`` filter) never shows it."""
    from contracts.models import UserProfile

    handover = acknowledge(deliver(world, [disc]), world.handler)
    client = client_as(world.handler)
    client.post(url("storage_record", world, pk=disc.pk), {"place": "cabinet", "location": "B-2", "locked": "on"})
    UserProfile.objects.filter(user=world.handler).update(display_name="")
    shown = f"氏名未登録の利用者（No.{world.handler.pk}）"
    for person in (world.hr, world.handler):
        for page_url in (url("items", world), url("item_detail", world, pk=disc.pk),
                         url("handover_detail", world, pk=handover.pk), reverse("handover:ledger_all")):
            page = client_as(person).get(page_url).content.decode()
            assert "handler_a" not in page, page_url
            assert shown in page, page_url
