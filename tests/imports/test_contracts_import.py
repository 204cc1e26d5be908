"""Contracts from the ward's Excel: every row checked before anything is written; the 37th row's error named."""

from django.urls import reverse

from audit.models import AuditEntry
from contracts.models import Contract
from imports.models import ImportRun
from tests.factories import login_verified, make_user

from .helpers import CONTRACT_HEADERS, administrator, coded_section, contract_row, csv_bytes, xlsx_bytes


def _upload(client, data, name, kind="contracts"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("imports:index"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def _forty_rows(bad_row=None):
    rows = [contract_row(n) for n in range(1, 41)]
    if bad_row is not None:
        # Spreadsheet row 37 is data row 36 (the header is row 1).
        rows[bad_row - 2].update({"開始日": "2026-10-01", "終了日": "2026-09-30"})
    return rows


def test_an_error_in_the_37th_row_writes_nothing_and_names_the_row_and_its_column(client, world):
    coded_section(world)
    admin = administrator(world)
    login_verified(client, admin)
    contracts, entries = Contract.objects.count(), AuditEntry.objects.count()
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, _forty_rows(bad_row=37)), "契約一覧.xlsx")
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "37行目" in page and "終了日" in page and "委託の期限は開始時期より後の日付にしてください。" in page
    assert "取り込む</button>" not in page
    # Confirming anyway (a forged POST) imports nothing either.
    refused = client.post(response["Location"])
    assert refused.status_code == 400
    assert "37行目" in refused.content.decode()
    assert Contract.objects.count() == contracts
    assert AuditEntry.objects.count() == entries
    assert not ImportRun.objects.exists()


def test_a_valid_file_writes_one_audit_entry_per_contract_and_one_for_the_run(client, world):
    coded_section(world)
    admin = administrator(world)
    login_verified(client, admin)
    contracts, seq = Contract.objects.count(), AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, _forty_rows()), "契約一覧.xlsx")
    preview = client.get(response["Location"])
    assert "取り込むと、委託契約を40件登録し" in preview.content.decode()
    assert Contract.objects.count() == contracts  # the preview wrote nothing
    done = client.post(response["Location"])
    assert done.status_code == 302
    assert Contract.objects.count() == contracts + 40
    new = AuditEntry.objects.filter(seq__gt=seq)
    assert new.filter(action="contract.created").count() == 40
    assert new.filter(action="imports.run.completed").count() == 1
    assert new.count() == 41
    run = ImportRun.objects.get()
    assert (run.kind, run.rows, run.created, run.imported_by) == ("contracts", 40, 40, admin)
    created = Contract.objects.get(title="調査分析業務委託その40")
    assert (created.fiscal_year, created.ward_section, created.contractor) == (2026, world.ward, world.contractor)


def test_a_cp932_csv_is_read(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    rows = [contract_row(1, 件名="髙橋委託①（㈱）")]
    response = _upload(client, csv_bytes(CONTRACT_HEADERS, rows, encoding="cp932"), "keiyaku.csv")
    preview = client.get(response["Location"])
    assert "髙橋委託①（㈱）" in preview.content.decode()
    client.post(response["Location"])
    assert Contract.objects.filter(title="髙橋委託①（㈱）").exists()


def test_a_year_typed_20260_is_an_error_not_a_contract(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    count = Contract.objects.count()
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, [contract_row(1), contract_row(2, 年度="20260")]), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "3行目" in page and "年度は1989年度" in page
    assert client.post(response["Location"]).status_code == 400
    assert Contract.objects.count() == count


def test_a_missing_column_is_named(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    headers = [h for h in CONTRACT_HEADERS if h != "目的"]
    response = _upload(client, xlsx_bytes(headers, [contract_row(1)]), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "見出しの行に次の列がありません: 「目的」" in page


def test_only_an_administrator_imports(client, world):
    login_verified(client, world.hr)
    assert client.get(reverse("imports:index")).status_code == 403
    assert _upload(client, xlsx_bytes(CONTRACT_HEADERS, [contract_row(1)]), "a.xlsx").status_code == 403


def test_an_administrator_who_may_not_register_contracts_is_told_once(client, world):
    from imports.apps import ADMIN_GROUP

    coded_section(world)
    login_verified(client, make_user("kanri_only", world.ward, groups=[ADMIN_GROUP]))
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, _forty_rows()), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert page.count("委託契約を取り込めるのは、契約を登録できる方（担当課の職員）です。") == 1
    assert "2行目" not in page


def test_a_period_in_one_cell_as_the_wards_register_keeps_it(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    headers = [h for h in CONTRACT_HEADERS if h not in ("開始日", "終了日")] + ["期間"]
    rows = [contract_row(1, 期間="令和8年6月1日～令和9年3月31日"), contract_row(2, 期間="2026-10-01～2026-09-30"),
            contract_row(3, 期間="2026年6月から")]
    response = _upload(client, xlsx_bytes(headers, rows), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "<td>2行目</td><td>期間</td>" not in page
    assert "<tr><td>3行目</td><td>期間</td><td>委託の期限は開始時期より後の日付にしてください。</td></tr>" in page
    assert "<tr><td>4行目</td><td>期間</td><td>期間は「2026-06-01～2027-03-31」のように" in page
    response = _upload(client, xlsx_bytes(headers, rows[:1]), "a.xlsx")
    assert client.post(response["Location"]).status_code == 302
    contract = Contract.objects.get(title="調査分析業務委託その1")
    assert (contract.start_date.isoformat(), contract.end_date.isoformat()) == ("2026-06-01", "2027-03-31")


def test_without_dates_or_a_period_the_missing_columns_are_named(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    headers = [h for h in CONTRACT_HEADERS if h not in ("開始日", "終了日")]
    response = _upload(client, xlsx_bytes(headers, [contract_row(1)]), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "「開始日（または「期間」）」、「終了日（または「期間」）」" in page


def test_a_failure_halfway_through_the_write_rolls_every_row_back(client, world, monkeypatch):
    """Something changed between the preview and the confirmation: the 20th contract is refused while writing."""
    from contracts import services as contract_services
    from core.errors import DomainError

    coded_section(world)
    login_verified(client, administrator(world))
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, _forty_rows()), "a.xlsx")
    assert "40件登録し" in client.get(response["Location"]).content.decode()
    contracts, entries = Contract.objects.count(), AuditEntry.objects.count()
    create = contract_services.contract_create
    calls = []

    def create_but_the_twentieth(**kwargs):
        calls.append(1)
        if len(calls) == 20:
            raise DomainError("この課の契約は登録できません。担当する課を選んでください。", field="ward_section")
        return create(**kwargs)

    monkeypatch.setattr(contract_services, "contract_create", create_but_the_twentieth)
    refused = client.post(response["Location"])
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "21行目" in page and "担当課コード" in page
    assert len(calls) == 40  # every row was still checked, so the page lists every problem
    assert (Contract.objects.count(), AuditEntry.objects.count()) == (contracts, entries)
    assert not ImportRun.objects.exists()


def test_a_section_clerk_imports_only_their_sections_contracts(client, world):
    """A 担当課 clerk who also holds the 管理者 group: a row for another section is refused at 担当課コード."""
    from contracts.services.organisation import unit_save
    from contracts.services.scopes import scope_grant
    from imports.apps import ADMIN_GROUP

    department = unit_save(code="imp-bu", name="取込テスト部", kind="department", parent=None, actor=world.hr)
    mine = unit_save(code="imp-mine", name="取込テスト課", kind="ward_section", parent=department, actor=world.hr)
    unit_save(code="imp-other", name="取込よその課", kind="ward_section", parent=department, actor=world.hr)
    clerk = make_user("imp_clerk", mine, groups=[ADMIN_GROUP])
    scope_grant(user=clerk, role="hr", unit=mine, actor=world.hr)
    login_verified(client, clerk)
    rows = [contract_row(1, 担当課コード="imp-mine"), contract_row(2, 担当課コード="imp-other")]
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, rows), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "<tr><td>3行目</td><td>担当課コード</td><td>この課の契約は登録できません。" in page
    assert "<td>2行目</td><td>担当課コード</td>" not in page
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, rows[:1]), "a.xlsx")
    assert client.post(response["Location"]).status_code == 302
    assert Contract.objects.get(title="調査分析業務委託その1").ward_section == mine


def test_a_start_date_outside_its_fiscal_year_is_a_slip(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    rows = [contract_row(1, 開始日="2062-06-01", 終了日="2063-03-31"), contract_row(2, 年度="令和7年度")]
    response = _upload(client, xlsx_bytes(CONTRACT_HEADERS, rows), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert ("<tr><td>2行目</td><td>開始日</td><td>開始日（令和44年6月1日）が令和8年度（令和8年4月1日～令和9年3月31日）に"
            "入っていません。") in page
    assert "<tr><td>3行目</td><td>開始日</td><td>開始日（令和8年6月1日）が令和7年度" in page


def test_a_row_with_its_identifier_updates_that_contract(client, world):
    coded_section(world)
    admin = administrator(world)
    login_verified(client, admin)
    headers = [*CONTRACT_HEADERS, "次年度以降も同様の委託", "識別子（更新する契約のみ）"]
    response = _upload(client, xlsx_bytes(headers, [contract_row(1, 次年度以降も同様の委託="はい")]), "a.xlsx")
    client.post(response["Location"])
    contract = Contract.objects.get(title="調査分析業務委託その1")
    assert contract.recurring
    seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
    rows = [contract_row(1, 記録媒体="DVD-R", 識別子="") | {"識別子（更新する契約のみ）": contract.slug},
            contract_row(9) | {"識別子（更新する契約のみ）": "2026-nothere"},
            contract_row(1) | {"識別子（更新する契約のみ）": contract.slug}]
    response = _upload(client, xlsx_bytes(headers, rows), "b.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "<tr><td>3行目</td><td>識別子（更新する契約のみ）</td><td>識別子「2026-nothere」の契約がありません。" in page
    assert "<tr><td>4行目</td><td>識別子（更新する契約のみ）</td><td>2行目と同じ契約（識別子が同じ）です。" in page
    response = _upload(client, xlsx_bytes(headers, rows[:1]), "b.xlsx")
    assert "0件登録し、1件更新します" in client.get(response["Location"]).content.decode()
    assert client.post(response["Location"]).status_code == 302
    contract.refresh_from_db()
    assert (contract.recording_media, contract.recurring) == ("DVD-R", True)  # the blank 次年度… kept
    assert list(AuditEntry.objects.filter(seq__gt=seq).values_list("action", flat=True)) == [
        "contract.updated", "imports.run.completed"]


def test_the_section_may_be_named_as_the_wards_list_names_it(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    headers = ["担当課" if h == "担当課コード" else h for h in CONTRACT_HEADERS]
    rows = [contract_row(1) | {"担当課": world.ward.name}, contract_row(2) | {"担当課": "存在しない課"}]
    response = _upload(client, xlsx_bytes(headers, rows), "a.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "<td>2行目</td><td>担当課コード</td>" not in page
    assert "<tr><td>3行目</td><td>担当課コード</td><td>組織コード「存在しない課」の組織がありません（名称としても見つかりません）。" in page


def test_a_title_above_the_table_is_passed_over_and_rows_keep_their_excel_numbers(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["令和8年度 委託契約一覧"])
    ws.append(["令和8年5月1日現在", None, None, "人事課"])
    ws.append([])
    ws.append(CONTRACT_HEADERS)
    for row in (contract_row(1), contract_row(2, 終了日="2026-01-01")):
        ws.append([row[h] for h in CONTRACT_HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = _upload(client, buffer.getvalue(), "一覧.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "<tr><td>6行目</td><td>終了日</td><td>委託の期限は開始時期より後の日付にしてください。</td></tr>" in page
    assert "<tr><td>5行目</td><td>登録</td>" in page
