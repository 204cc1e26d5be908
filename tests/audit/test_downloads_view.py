"""The auditor's view of who downloaded personal data, and when: every export of the ledger, the
checklist and the audit log (the actions the apps declare), with the person, the time, what, the format
and the contract with its fiscal year; for auditors, and for HR on their own contracts."""

import io

import pytest
from openpyxl import load_workbook

from audit.formatting import personal_data_downloads
from audit.models import AuditEntry
from tests.audit.conftest import assert_reads_in_words, table_text

pytestmark = pytest.mark.django_db


def _rows(client, query="") -> list[str]:
    """Each listed download as the words of its row."""
    response = client.get("/audit/downloads/" + query)
    assert response.status_code == 200
    html = response.content.decode()
    return [table_text("<table" + part.split("</tr>")[0] + "</table>") for part in html.split('<tr id="entry-')[1:]]


@pytest.fixture
def downloads(client_as, world, story):
    """HR exports the ledger of contract A as PDF; the auditor the ledger of B and the audit log."""
    hr = client_as(world.hr)
    assert hr.get("/handover/contract-a/ledger.pdf").status_code == 200
    auditor = client_as(world.auditor)
    assert auditor.get("/handover/contract-b/ledger.xlsx").status_code == 200
    assert auditor.get("/audit/export.xlsx?person=田中").status_code == 200
    return world


def test_the_view_lists_every_download_and_nothing_else(client_as, downloads):
    client = client_as(downloads.auditor)
    text = table_text(client.get("/audit/downloads/").content.decode())
    shown = set(AuditEntry.objects.filter(action__in=personal_data_downloads()).values_list("seq", flat=True))
    html = client.get("/audit/downloads/").content.decode()
    assert {int(p.split('"')[0]) for p in html.split('<tr id="entry-')[1:]} == shown
    assert len(shown) == 3
    assert "受渡しを記録" not in text and "P-001を田中 誠さんへ" not in text
    assert_reads_in_words(text)


def test_each_download_says_who_when_what_format_and_contract(client_as, downloads):
    rows = _rows(client_as(downloads.auditor))
    by_hr = next(r for r in rows if "佐藤 花子" in r)
    assert "管理簿を出力" in by_hr and "PDF" in by_hr and "1件" in by_hr and "契約A（令和7年度）" in by_hr
    by_auditor = next(r for r in rows if "契約B（令和7年度）" in r)
    assert "鈴木 一郎" in by_auditor and "Excel（XLSX）" in by_auditor
    log_export = next(r for r in rows if "監査証跡を出力" in r)
    assert "鈴木 一郎" in log_export and "操作者「田中」" in log_export


def test_hr_sees_the_downloads_of_their_contracts_only(client_as, world, downloads):
    from contracts.roles import HR_GROUP
    from tests.factories import make_contract, make_organisation, make_user

    other_ward = make_organisation(kind="ward_section", name="別の課")
    other_hr = make_user("other_hr", other_ward, display_name="別課 職員", groups=[HR_GROUP])
    make_contract(hr=other_hr, ward=other_ward, contractor=world.contractor, slug="contract-c", title="契約C")
    other = client_as(other_hr)
    assert other.get("/handover/contract-c/ledger.xlsx").status_code == 200
    text = table_text(client_as(world.hr).get("/audit/downloads/").content.decode())
    assert "契約A（令和7年度）" in text and "契約B（令和7年度）" in text
    assert "契約C" not in text and "別課 職員" not in text
    # The audit log export without a contract filter belongs to no contract: the auditors' security log.
    assert "監査証跡を出力" not in text
    text = table_text(client_as(other_hr).get("/audit/downloads/").content.decode())
    assert "契約C（令和7年度）" in text and "契約A" not in text and "佐藤 花子" not in text


def test_filtered_by_person_and_contract(client_as, downloads):
    client = client_as(downloads.auditor)
    rows = _rows(client, "?person=佐藤")
    assert len(rows) == 1 and "管理簿を出力" in rows[0]
    rows = _rows(client, "?contract=contract-b")
    assert len(rows) == 1 and "契約B（令和7年度）" in rows[0]
    # The downloads view has no action filter: it is one kind of action already.
    assert 'name="action"' not in client.get("/audit/downloads/").content.decode()


def test_the_xlsx_lists_the_same_downloads_in_the_same_words(client_as, downloads):
    client = client_as(downloads.auditor)
    response = client.get("/audit/downloads.xlsx?person=佐藤")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-downloads-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "個人情報の出力履歴"
    assert sheet["B3"].value == "操作者「佐藤」"
    assert [c.value for c in sheet[5]][:6] == ["日時（日本時間）", "出力した者", "出力したもの", "形式", "件数", "契約（年度）"]
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    assert [r[1:6] for r in rows] == [("佐藤 花子", "管理簿を出力", "PDF", 1, "契約A（令和7年度）")]
    # Downloading this list is itself a download of personal data (names and times), and is listed.
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "audit.downloads.exported"
    assert entry.payload == {"format": "xlsx", "rows": 1, "filters": {"person": "佐藤"}}
    assert any("個人情報の出力履歴を出力" in r for r in _rows(client))


def test_a_checklist_export_is_listed(client_as, world):
    from tests.checklist.helpers import finalise_plan

    finalise_plan(world)
    client = client_as(world.auditor)
    assert client.get("/checklist/contract-a/export/both.pdf").status_code == 200
    rows = _rows(client)
    assert len(rows) == 1
    assert "チェックリストを出力" in rows[0] and "PDF" in rows[0] and "区・委託先の両方をPDFで出力" in rows[0]
