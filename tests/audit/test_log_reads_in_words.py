"""What an auditor reads in the log and its XLSX: actions in Japanese, people by name, objects as what
they are, payloads as sentences, contracts with their fiscal year; never a code or a username."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook

from audit.models import AuditEntry
from audit.services import audit_log
from checklist import services as checklist_services
from checklist.models import ChecklistItem, Side
from contracts import services as contract_services
from tests.audit.conftest import assert_reads_in_words, table_text
from tests.checklist.helpers import attest_side, finalise_plan, item
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


def _log(client, query="?contract=contract-a") -> str:
    response = client.get("/audit/" + query)
    assert response.status_code == 200
    return table_text(response.content.decode())


def _row(text: str, seq: int) -> str:
    return text.split(f" {seq} ")[1][:400]


def test_a_handover_reads_as_what_happened(client_as, world, story):
    text = _log(client_as(world.auditor))
    recorded = AuditEntry.objects.get(action="handover.recorded")
    acknowledged = AuditEntry.objects.get(action="handover.acknowledged")
    row = _row(text, recorded.seq)
    assert "佐藤 花子" in row and "受渡しを記録" in row
    assert "契約A（令和7年度）" in row
    assert "受渡し No.1（P-001）" in row
    assert "区→委託先（提供）: P-001を田中 誠さんへ。受渡し日時 令和7年6月10日 09:00（手渡し・鍵付きカバン）" in row
    row = _row(text, acknowledged.seq)
    assert "田中 誠" in row and "受渡しの受領を確認" in row
    assert "P-001を受領。受渡し日時 令和7年6月10日 09:00 を確認" in row
    assert_reads_in_words(text)


def test_designations_and_memberships_name_people_not_accounts(client_as, world):
    text = _log(client_as(world.auditor))
    assert "取扱者指定 山田 美咲（取扱者）" in text
    assert "山田 美咲さん（取扱者）" in text
    assert "契約の利用者 鈴木 一郎（監査）" in text
    assert "鈴木 一郎さん（監査）" in text
    assert_reads_in_words(text)


def test_a_contract_change_reads_before_and_after_with_the_fields_names(client_as, world):
    contract_services.contract_update(contract=world.contract, actor=world.hr, title="契約A（改）",
                                      end_date=world.contract.end_date.replace(day=30))
    text = _log(client_as(world.auditor))
    entry = AuditEntry.objects.get(action="contract.updated")
    row = _row(text, entry.seq)
    assert "契約の内容を変更" in row
    assert "件名: 「契約A」 → 「契約A（改）」" in row
    assert "委託の期限: 令和8年3月31日 → 令和8年3月30日" in row
    assert "end_date" not in text and "title" not in text


def test_a_checklist_item_is_named_by_side_section_and_number(client_as, world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    checklist_services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    checklist_services.item_review(item=item(world, "contractor.system.11"), decision=ChecklistItem.Review.RETURNED,
                                   comment="国内設備であることの資料を添付してください", actor=world.hr)
    text = _log(client_as(world.auditor))
    entry = AuditEntry.objects.get(action="checklist.item.returned")
    row = _row(text, entry.seq)
    assert "チェック項目を差し戻した" in row
    assert "チェックリスト 委託先 システム上の対策 11" in row
    assert "差戻し。コメント: 国内設備であることの資料を添付してください" in row
    assert_reads_in_words(text)


def test_exports_read_as_format_count_and_filters(client_as, world, story):
    client = client_as(world.hr)
    assert client.get("/handover/contract-a/ledger.pdf?date_from=2025-06-01&direction=delivery").status_code == 200
    text = _log(client_as(world.auditor))
    row = _row(text, AuditEntry.objects.get(action="handover.ledger.exported").seq)
    assert "管理簿を出力" in row
    assert "PDFで出力（1件、絞り込み: 期間（から） 令和7年6月1日、方向 区→委託先（提供））" in row
    assert "format=" not in text and "rows=" not in text


def test_failed_logins_name_the_person_or_say_the_name_is_unknown(client, world):
    client.post("/accounts/login/", {"username": "manager_a", "password": "wrong password!"})
    client.post("/accounts/login/", {"username": "typed-by-mistake", "password": "wrong password!"})
    login_verified(client, world.auditor)
    text = _log(client, "?action=ログイン")
    manager_row = _row(text, AuditEntry.objects.get(action="auth.login_failed", actor_label="manager_a").seq)
    unknown_row = _row(text, AuditEntry.objects.get(action="auth.login_failed", actor_label="(unknown)").seq)
    assert "田中 誠" in manager_row and "ログインに失敗" in manager_row
    assert "登録のない利用者名" in unknown_row
    # What was typed into the name field names no account: it is neither kept nor shown (it may be a password).
    assert "typed-by-mistake" not in text
    assert_reads_in_words(text)


def test_commands_and_people_without_a_profile_are_named_without_their_usernames(client_as, world, tmp_path):
    call_command("export_ledger", "--contract", "contract-a", "--format", "xlsx", "--out", str(tmp_path / "l.xlsx"),
                 stdout=io.StringIO())
    root = get_user_model().objects.create_superuser("rootuser", "root@example.jp", "x" * 20)
    audit_log(action="auth.password.changed", actor=root)
    text = _log(client_as(world.auditor), "")
    assert "システム（管理コマンド）" in text
    assert "システム管理者" in text
    assert "rootuser" not in text and "manage.py" not in text


def test_an_action_without_a_label_still_reads_in_words(client_as, world):
    audit_log(action="test.unlabelled", actor=world.hr, contract=world.contract, payload={"secret_code": "x1"})
    text = _log(client_as(world.auditor))
    assert "その他の操作" in text
    assert "test.unlabelled" not in text and "secret_code" not in text


def test_the_xlsx_carries_the_same_words(client_as, world, story):
    client = client_as(world.auditor)
    response = client.get("/audit/export.xlsx?contract=contract-a&person=田中")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "監査証跡"
    assert sheet["B3"].value == "操作者「田中」、契約 契約A（令和7年度）"
    assert [c.value for c in sheet[5]] == ["連番", "日時（日本時間）", "操作者", "操作", "契約（年度）", "対象", "内容",
                                          "IPアドレス", "ハッシュ（先頭16桁）"]
    rows = [r for r in sheet.iter_rows(min_row=6, values_only=True)]
    acknowledged = AuditEntry.objects.get(action="handover.acknowledged")
    row = next(r for r in rows if r[0] == acknowledged.seq)
    assert row[2:6] == ("田中 誠", "受渡しの受領を確認", "契約A（令和7年度）", "受渡し No.1（P-001）")
    assert row[6].startswith("P-001を受領。")
    # A real date, shown in the Japanese era by its number format.
    assert row[1].year == acknowledged.created_at.year and "ggge" in sheet.cell(row=6, column=2).number_format
    cells = " ".join(str(v) for r in rows for v in r if isinstance(v, str))
    assert_reads_in_words(cells)
    assert {r[2] for r in rows} == {"田中 誠"}


def test_the_page_costs_the_same_queries_with_ten_or_a_hundred_entries(client_as, world, story,
                                                                       django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.auditor)
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/?contract=contract-a")
    for i in range(40):
        audit_log(action="handover.storage.checked", actor=world.manager, contract=world.contract,
                  obj=story, payload={"label": f"P-{i}", "location": "金庫", "note": ""})
        audit_log(action="contract.designation.approved", actor=world.hr, contract=world.contract,
                  payload={"user": "handler_a", "kind": "handler", "note": ""})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/audit/?contract=contract-a")
    assert "山田 美咲さん（取扱者）" in response.content.decode()


def test_a_failed_login_typed_to_look_like_the_system_is_not_shown_as_the_system(client, client_as, world):
    client.post("/accounts/login/", {"username": "manage.py export_ledger", "password": "wrong password!"})
    text = _log(client_as(world.auditor), "?action=ログインに失敗")
    assert "登録のない利用者名" in text and "システム" not in text
