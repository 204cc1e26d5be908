"""HR cancels a planned inspection with a reason; the year then has none planned again, and the cancelled one takes
nothing more."""

import pytest

from core.errors import DomainError
from supervision import permissions, services
from supervision.selectors import missing_inspections
from tests.supervision.helpers import plan


@pytest.mark.django_db
def test_a_cancelled_inspection_needs_a_reason_and_leaves_the_year_without_one(world, client_as):
    inspection = plan(world)
    with pytest.raises(DomainError) as refused:
        services.inspection_cancel(inspection=inspection, actor=world.hr, reason=" ")
    assert refused.value.field == "reason"
    assert not missing_inspections(world.contract)
    response = client_as(world.hr).post(f"/supervision/{world.contract.slug}/inspections/{inspection.pk}/cancel/",
                                        {"cancel-reason": "委託先の移転のため日程を改める"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_cancelled and inspection.cancel_reason == "委託先の移転のため日程を改める"
    assert [m.text for m in missing_inspections(world.contract)] == ["令和7年度の立入り調査等が計画されていません"]
    assert not permissions.may_record(world.hr, inspection)
    page = client_as(world.hr).get(f"/supervision/{world.contract.slug}/inspections/{inspection.pk}/").content.decode()
    assert "中止" in page and "委託先の移転のため日程を改める" in page and "実施を記録する" not in page
