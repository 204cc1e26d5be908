import pytest


@pytest.fixture
def without_app_records(monkeypatch):
    """No live evidence from the apps: in the bare test world several of them (storage checks, log analysis,
    restore drills, emergency contacts) rightly show their control unmet, which flags an item attested as in
    place. Tests of the review's mechanics use this to choose exactly which items are flagged."""
    from core import evidence

    monkeypatch.setattr(evidence, "_providers", {})
    return evidence
