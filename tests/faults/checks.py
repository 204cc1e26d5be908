from loadtest.integrity import ledger_problems


def assert_consistent() -> None:
    """No half-written state in the ledger (see loadtest/integrity.py)."""
    assert ledger_problems() == []
