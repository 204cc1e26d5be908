import pytest

from tests.handover.conftest import Clock, tokyo


@pytest.fixture
def clock(monkeypatch):
    """Contract A runs from 1 May 2025 to 31 March 2026; the tests start on 1 June 2025 in Tokyo."""
    clock = Clock(monkeypatch)
    clock.set(tokyo(2025, 6, 1, 9, 0))
    return clock
