"""load_demo tells two coherent years of the seed contract: FY2025 finished, FY2026 the current year."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from checklist.models import Checklist, ChecklistEvent, ChecklistSide
from contracts.demo import CURRENT_SLUG, DEMO_PASSWORD, SEED_SLUG, live_story_days
from contracts.models import Contract, Designation, Membership
from core.dates import to_local_date
from handover.models import Handover, Item, StorageCheck
from yearend.models import CopyRecord, DeletionReport

pytestmark = pytest.mark.django_db

TOKYO = dt.timezone(dt.timedelta(hours=9))
DEMO_ACCOUNTS = ["sato", "tanaka", "yamada", "suzuki", "kobayashi", "admin", "ito", "yamamoto"]  # README, "Demo accounts"


def _seed() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict:
    models = (Contract, Designation, Membership, Item, Handover, StorageCheck, Checklist, ChecklistEvent, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


def _dates(contract) -> list[dt.date]:
    days = []
    for handover in Handover.objects.filter(contract=contract):
        days += [to_local_date(handover.handed_at), to_local_date(handover.recorded_at)]
        if handover.acknowledged_at:
            days.append(to_local_date(handover.acknowledged_at))
    days += [to_local_date(c.checked_at) for c in StorageCheck.objects.filter(item__contract=contract)]
    return days


def _within(contract, days) -> bool:
    return all(contract.start_date <= day <= contract.end_date for day in days)


@pytest.fixture
def seeded():
    first = _seed()
    counts = _counts()
    second = _seed()
    assert _counts() == counts  # the second run creates nothing new
    return first, second


def test_the_seed_contract_is_a_finished_year_inside_its_own_period(seeded):
    contract = Contract.objects.get(slug=SEED_SLUG)
    assert (contract.fiscal_year, contract.start_date, contract.end_date) == (2025, dt.date(2025, 5, 1),
                                                                              dt.date(2026, 3, 31))
    handovers = list(Handover.objects.filter(contract=contract).order_by("number"))
    # The disc is destroyed at the contractor (deletion report) and only the notice comes back (issue 9, 8).
    assert [(h.direction, h.status) for h in handovers] == [
        ("delivery", "acknowledged"), ("delivery", "acknowledged"), ("return", "acknowledged"),
    ]
    assert _within(contract, _dates(contract))
    disc, notice = handovers[0], handovers[1]
    assert to_local_date(disc.handed_at).month == 6 and to_local_date(disc.handed_at).year == 2025
    assert to_local_date(notice.handed_at) - to_local_date(disc.handed_at) == dt.timedelta(days=2)
    assert disc.lines.get().hash_verified
    assert {h.recipient.username for h in handovers[2:]} == {"sato"}
    assert all(to_local_date(h.handed_at).strftime("%Y-%m") == "2026-02" for h in handovers[2:])
    items = {item.label: item.state for item in Item.objects.filter(contract=contract)}
    assert items == {"CD-2025-001": Item.State.DISPOSED, "PN-2025-001": Item.State.RETURNED}
    months = {to_local_date(c.checked_at).strftime("%Y-%m")
              for c in StorageCheck.objects.filter(item__contract=contract)}
    assert months == {"2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"}
    assert all(d.decided_at.astimezone(TOKYO).strftime("%Y-%m") == "2025-05" for d in contract.designations.all())
    assert all(step.is_done for step in contract.steps.all())
    checklist = contract.checklist
    assert checklist.is_finalised and checklist.items.filter(mark="planned").count() == 48
    # Once the deletion report was accepted, the deletion item was attested again and both sides locked.
    assert set(checklist.sides.values_list("status", flat=True)) == {ChecklistSide.Status.LOCKED}
    assert checklist.items.get(template_item__key="contractor.operational.11").attestation == "in_place"


def test_the_finished_year_is_closed_on_its_own_dates(seeded):
    """Issue 9, 8: 「FY2025 is closed on its own dates: report accepted, copies registered, disc destroyed with a
    certificate line, notice returned, deletion report accepted, contract closed. FY2026 is in progress.」"""
    contract = Contract.objects.get(slug=SEED_SLUG)
    assert contract.status == Contract.Status.CLOSED
    report = contract.reports.get()
    assert report.is_accepted and to_local_date(report.decided_at) == dt.date(2026, 2, 2)
    assert [copy.place for copy in CopyRecord.objects.filter(contract=contract).order_by("number")] == [
        "analysis_pc", "backup"]
    deletion = DeletionReport.objects.get(contract=contract)
    assert deletion.is_accepted and to_local_date(deletion.decided_at) == dt.date(2026, 3, 3)
    disc_line = deletion.lines.get(item__label="CD-2025-001")
    assert disc_line.method_type == "destroy" and disc_line.certificate and disc_line.witnessed
    assert deletion.lines.filter(copy__isnull=False).count() == 2
    assert contract.measures.exists()
    closed = contract.closing_events.get()
    assert to_local_date(closed.happened_at) == dt.date(2026, 3, 25)
    entry = AuditEntry.objects.get(action="contract.closed", contract=contract)
    assert entry.payload["purged"] == {"uploads": 0, "packages": 0, "files": 0, "pseudonym_keys": 0}
    assert _within(contract, [to_local_date(closed.happened_at), to_local_date(deletion.decided_at)])
    assert Contract.objects.get(slug=CURRENT_SLUG).status == Contract.Status.ACTIVE


def test_the_current_year_is_copied_from_it_and_has_work_waiting_now(seeded):
    first_output, _ = seeded
    last_year = Contract.objects.get(slug=SEED_SLUG)
    contract = Contract.objects.get(slug=CURRENT_SLUG)
    assert contract.previous == last_year and contract.fiscal_year == 2026
    assert (contract.start_date, contract.end_date) == (dt.date(2026, 5, 1), dt.date(2027, 3, 31))
    assert contract.status == Contract.Status.ACTIVE
    assert contract.title == last_year.title
    assert set(contract.designations.filter(status="approved").values_list("user__username", flat=True)) == {
        "tanaka", "yamada"}
    assert contract.memberships.filter(user__username="suzuki", role="auditor", revoked_at__isnull=True).exists()
    assert contract.checklist.is_finalised
    waiting = Handover.objects.filter(contract=contract, status=Handover.Status.IN_TRANSIT)
    assert [line.item.label for h in waiting for line in h.lines.all()] == ["CD-2026-002"]
    # CD-2026-003 and its notice: this year's survey package, built from generated answers (engagement.demo).
    assert {item.label for item in Item.objects.filter(contract=contract)} == {"CD-2026-001", "PN-2026-001",
                                                                              "CD-2026-002", "CD-2026-003",
                                                                              "PN-CD-2026-003"}
    assert _within(contract, _dates(contract))
    assert f"Current year's contract: {CURRENT_SLUG}" in first_output


def test_the_audit_trail_is_intact_after_seeding_twice(seeded):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")


def test_the_demo_accounts_sign_in(seeded, client, settings):
    settings.DEMO_SKIP_TWO_FACTOR_ENROLMENT = True
    for username in DEMO_ACCOUNTS:
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        page = client.get("/")
        assert page.status_code == 200, username
        if username == "yamada":
            assert "CD-2026-002" in page.content.decode()
        client.post("/accounts/logout/")


def test_the_current_year_stays_inside_its_period_whenever_the_demo_is_run(monkeypatch):
    contract = Contract(start_date=dt.date(2026, 5, 1), end_date=dt.date(2027, 3, 31))
    today = live_story_days(contract, dt.date(2026, 11, 26))
    assert today.today == dt.date(2026, 11, 26) and today.disc == dt.date(2026, 10, 12)
    later = live_story_days(contract, dt.date(2028, 8, 1))
    assert later.today == dt.date(2027, 3, 31) and later.disc == dt.date(2027, 2, 14)
    early = live_story_days(contract, dt.date(2026, 5, 20))
    assert early.disc >= dt.date(2026, 5, 9) and early.check is None and early.today == dt.date(2026, 5, 20)
    assert live_story_days(contract, dt.date(2026, 4, 1)) is None

    # Run a year after the period: the story is anchored at the period's last day, and nothing fails.
    later_now = dt.datetime(2028, 8, 1, 11, 0, tzinfo=TOKYO)
    monkeypatch.setattr(timezone, "now", lambda: later_now)
    _seed()
    _seed()
    current = Contract.objects.get(slug=CURRENT_SLUG)
    assert _within(current, _dates(current))
    waiting = Handover.objects.get(contract=current, status=Handover.Status.IN_TRANSIT)
    assert to_local_date(waiting.handed_at) == dt.date(2027, 3, 31)


def test_the_demo_shows_the_wards_tree_and_the_scoped_roles(seeded):
    from contracts.demo import SECOND_SECTION_CLERK, SECOND_SECTION_CODE
    from contracts.models import Organisation, ScopeGrant
    from contracts.permissions import can, contracts_where

    section = Organisation.objects.get(code=SECOND_SECTION_CODE)
    assert (section.name, section.parent.name) == ("税務課", "区民部")
    seed = Contract.objects.get(slug=SEED_SLUG)
    # The seed's section sits under 総務部 with its name (and the contract's printed wording) unchanged.
    assert (seed.ward_section.name, seed.ward_section.parent.name) == ("新宿区 総務部人材育成等担当課", "総務部")
    assert seed.department == "総務部人材育成等担当課"
    grants = {(g.user.username, g.role, g.unit.code if g.unit else None)
              for g in ScopeGrant.objects.filter(revoked_at__isnull=True).select_related("user", "unit")}
    assert {("sato", "hr", "jinzai"), ("yamamoto", "hr", "zeimu"), ("ito", "privacy", None),
            ("suzuki", "auditor", None)} <= grants
    ito = ScopeGrant.objects.get(user__username="ito").user
    assert ito.profile.display_name == "伊藤"
    assert set(contracts_where(ito, "audit")) == set(Contract.objects.all())
    clerk = ScopeGrant.objects.get(user__username=SECOND_SECTION_CLERK).user
    assert not can(clerk, seed, "view")
    assert set(contracts_where(clerk)) == set(Contract.objects.filter(ward_section=section))
