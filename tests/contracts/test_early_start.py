"""履行開始 a month or more before the start date needs a confirmation that says how early it is.

Issue 7, B.15: 「履行開始 five months before the start date needs a confirmation saying so.」
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from contracts import services
from contracts.models import Contract
from core.dates import wareki
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def _months_ahead(today: dt.date, months: int) -> dt.date:
    month = today.month - 1 + months
    return dt.date(today.year + month // 12, month % 12 + 1, 1)


def _half_a_year_ahead() -> tuple[dt.date, int]:
    """The 1st of the month six months on, and how many whole months away that is (5, or 6 on the 1st)."""
    today = timezone.localdate()
    return _months_ahead(today, 6), 6 if today.day == 1 else 5


def _draft(world, start: dt.date) -> Contract:
    fields = {f: getattr(world.contract, f) for f in services.CONTRACT_FIELDS}
    fields.update(start_date=start, end_date=start + dt.timedelta(days=300), fiscal_year=start.year)
    return services.contract_create(actor=world.hr, **fields)


def test_the_months_are_counted_as_a_clerk_counts_them():
    contract = Contract(start_date=dt.date(2026, 5, 1))
    assert services.months_before_start(contract, dt.date(2025, 12, 1)) == 5
    assert services.months_before_start(contract, dt.date(2025, 12, 2)) == 4
    assert services.months_before_start(contract, dt.date(2026, 4, 1)) == 1
    assert services.months_before_start(contract, dt.date(2026, 4, 2)) == 0
    assert services.months_before_start(contract, dt.date(2026, 6, 1)) == 0
    assert services.early_start_warning(contract, dt.date(2025, 12, 1)) == "開始日（令和8年5月1日）の5か月前です。"
    assert services.early_start_warning(contract, dt.date(2026, 4, 15)) == ""


def test_starting_months_early_is_refused_without_the_confirmation(world):
    start, months = _half_a_year_ahead()
    draft = _draft(world, start)
    with pytest.raises(DomainError, match=f"の{months}か月前です。") as refused:
        services.contract_start(contract=draft, actor=world.hr)
    assert refused.value.field == "confirm_early"
    draft.refresh_from_db()
    assert draft.status == Contract.Status.DRAFT
    services.contract_start(contract=draft, actor=world.hr, confirm_early=True)
    draft.refresh_from_db()
    assert draft.status == Contract.Status.ACTIVE
    entry = AuditEntry.objects.get(action="contract.started", contract=draft)
    assert entry.payload == {"months_before_start": months}


def test_starting_within_a_month_of_the_start_needs_no_confirmation(world):
    draft = _draft(world, timezone.localdate() + dt.timedelta(days=10))
    services.contract_start(contract=draft, actor=world.hr)
    draft.refresh_from_db()
    assert draft.status == Contract.Status.ACTIVE


def test_the_start_page_says_how_early_and_asks_to_confirm(world, client_as):
    start, months = _half_a_year_ahead()
    draft = _draft(world, start)
    client = client_as(world.hr)
    detail = client.get(reverse("contracts:detail", args=[draft.slug])).content.decode()
    assert f"開始日（{wareki(start)}）の{months}か月前です。" in detail
    url = reverse("contracts:start", args=[draft.slug])
    page = client.get(url).content.decode()
    assert f"の{months}か月前です。開始日前ですが、履行開始にします。" in page
    response = client.post(url, {})
    assert response.status_code == 400
    assert "確認の欄に印を付けてください" in str(response.context["form"].errors["confirm_early"])
    draft.refresh_from_db()
    assert draft.status == Contract.Status.DRAFT
    response = client.post(url, {"confirm_early": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Contract.Status.ACTIVE


def test_on_time_the_start_page_asks_nothing_more(world, client_as):
    draft = _draft(world, timezone.localdate())
    client = client_as(world.hr)
    url = reverse("contracts:start", args=[draft.slug])
    assert "開始日前ですが" not in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Contract.Status.ACTIVE
