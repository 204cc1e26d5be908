"""The log is filtered in words: a person by (part of) their name, an action by what it is called, a
contract named with its fiscal year, dates. The export records only these filters, bounded."""

import io

import pytest
from openpyxl import load_workbook

from audit.formatting import registry
from audit.models import AuditEntry
from tests.audit.conftest import table_text

pytestmark = pytest.mark.django_db


def _seqs(client, query: str) -> set[int]:
    response = client.get("/audit/" + query)
    assert response.status_code == 200
    html = response.content.decode()
    return {int(part.split('"')[0]) for part in html.split('<tr id="entry-')[1:]}


def test_by_person_finds_every_entry_of_the_person_and_nothing_else(client_as, world, story):
    client = client_as(world.auditor)
    tanaka = set(AuditEntry.objects.filter(actor=world.manager).values_list("seq", flat=True))
    assert tanaka
    assert _seqs(client, "?person=田中") == tanaka
    # Part of the name, or the whole name typed with or without its space, half or full width.
    assert _seqs(client, "?person=誠") == tanaka
    assert _seqs(client, "?person=田中誠") == tanaka
    assert _seqs(client, "?person=田中　誠") == tanaka
    # The username is not a name anyone reads on the page.
    assert _seqs(client, "?person=manager_a") == set()


def test_by_person_includes_failed_logins_typed_with_their_username(client, client_as, world):
    client.post("/accounts/login/", {"username": "manager_a", "password": "wrong password!"})
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.seq in _seqs(client_as(world.auditor), "?person=田中")


def test_by_action_in_words_finds_every_handover_action(client_as, world, story):
    client = client_as(world.auditor)
    handover = set(AuditEntry.objects.filter(action__startswith="handover.").values_list("seq", flat=True))
    assert len(handover) >= 3
    assert _seqs(client, "?action=受渡し") == handover
    assert _seqs(client, "?action=受領") == set(
        AuditEntry.objects.filter(action="handover.acknowledged").values_list("seq", flat=True))
    designations = set(AuditEntry.objects.filter(action__startswith="contract.designation.").values_list("seq", flat=True))
    assert _seqs(client, "?action=取扱者指定") == designations
    assert _seqs(client, "?action=handover") == set()


def test_person_and_action_together(client_as, world, story):
    seqs = _seqs(client_as(world.auditor), "?person=田中&action=受渡し")
    assert seqs == set(AuditEntry.objects.filter(actor=world.manager, action__startswith="handover.")
                       .values_list("seq", flat=True))
    assert seqs


def test_the_contract_filter_names_each_contract_with_its_fiscal_year(client_as, world, story):
    from tests.factories import make_contract

    next_year = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-a-2026",
                              title="契約A", fiscal_year=2026)
    from contracts import services

    services.membership_grant(contract=next_year, user=world.auditor, role="auditor", actor=world.hr)
    client = client_as(world.auditor)
    html = client.get("/audit/").content.decode()
    assert ">契約A（令和7年度）</option>" in html and ">契約A（令和8年度）</option>" in html
    seqs = _seqs(client, "?contract=contract-a-2026")
    assert seqs == set(AuditEntry.objects.filter(contract=next_year).values_list("seq", flat=True))
    assert "契約A（令和7年度）" not in table_text(client.get("/audit/?contract=contract-a-2026").content.decode())


def test_by_dates(client_as, world, story):
    client = client_as(world.auditor)
    entry = AuditEntry.objects.get(action="handover.recorded")
    day = entry.created_at.astimezone().date().isoformat()
    assert entry.seq in _seqs(client, f"?date_from={day}&date_to={day}")
    assert _seqs(client, "?date_from=2099-01-01") == set()


@pytest.mark.parametrize("query", [
    "?date_to=9999-12-31", "?date_from=0226-04-01", "?date_from=0001-01-01", "?date_from=2026-13-01",
    "?date_from=2026-04-02&date_to=2026-04-01", "?person=" + "田" * 51, "?action=" + "a" * 51,
    "?contract=no-such-contract", "?date_from=not-a-date",
])
def test_a_filter_out_of_range_is_refused_at_the_field_and_lists_nothing(client_as, world, story, query):
    client = client_as(world.auditor)
    response = client.get("/audit/" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error' in html
    assert "該当する記録はありません。" in html
    before = AuditEntry.objects.count()
    assert client.get("/audit/export.xlsx" + query).status_code == 400
    assert AuditEntry.objects.count() == before


def test_a_contract_the_person_may_not_read_is_not_offered_or_accepted(client_as, world, story):
    # HR reads contracts A and B; a contract of another section's HR is no choice for them.
    from contracts.roles import HR_GROUP
    from tests.factories import make_contract, make_organisation, make_user

    other_ward = make_organisation(kind="ward_section", name="別の課")
    other_hr = make_user("other_hr", other_ward, display_name="別課 職員", groups=[HR_GROUP])
    make_contract(hr=other_hr, ward=other_ward, contractor=world.contractor, slug="contract-c", title="契約C")
    response = client_as(world.hr).get("/audit/?contract=contract-c")
    assert response.status_code == 400
    assert "契約C" not in response.content.decode()


def test_the_export_records_only_the_known_filters_bounded(client_as, world, story):
    client = client_as(world.auditor)
    response = client.get("/audit/export.xlsx?person=田中&action=受渡し&contract=contract-a&date_from=2025-06-01"
                          "&note=" + "x" * 60_000 + "&page=3&evil=<script>")
    assert response.status_code == 200
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "audit.log.exported" and entry.actor == world.auditor
    assert entry.contract == world.contract
    assert entry.payload == {"format": "xlsx", "rows": entry.payload["rows"], "filters": {
        "person": "田中", "action": "受渡し", "contract": "contract-a", "date_from": "2025-06-01"}}
    assert len(str(entry.payload)) < 300
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=6, values_only=True))
    assert entry.payload["rows"] == len(rows) > 0


def test_the_export_entry_reads_its_filters_in_words(client_as, world, story):
    client = client_as(world.auditor)
    client.get("/audit/export.xlsx?person=田中&contract=contract-a")
    entry = AuditEntry.objects.order_by("-seq").first()
    text = table_text(client.get("/audit/?action=監査証跡").content.decode())
    row = text.split(f" {entry.seq} ")[1]
    assert "鈴木 一郎" in row and "監査証跡を出力" in row
    assert f"Excel（XLSX）で出力（{entry.payload['rows']}件、絞り込み: 操作者「田中」、契約 契約A（令和7年度））" in row


def test_the_action_filter_suggests_the_words_of_the_groups(client_as, world):
    html = client_as(world.auditor).get("/audit/").content.decode()
    assert 'list="audit-action-words"' in html
    for word in registry().groups.values():
        assert f'<option value="{word}">' in html
