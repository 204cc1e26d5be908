import pytest

from handover.models import MediumKind
from tests.handover.conftest import Clock, tokyo


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch)
    clock.set(tokyo(2025, 6, 10, 9, 0))
    return clock


@pytest.fixture
def cd_r(db):
    return MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})[0]
