"""Which of the app's parts a contract's type uses (engagement and handover ask, and refuse what it does not)."""

PARTS = {
    "survey_export": "uses_survey_export",
    "media_custody": "uses_media_custody",
    "online_transfer": "uses_online_transfer",
}


def uses(contract, part: str) -> bool:
    """Whether the contract's type uses ``part`` (one of PARTS)."""
    try:
        attribute = PARTS[part]
    except KeyError:
        raise ValueError(f"unknown part: {part}") from None
    return bool(getattr(contract.contract_type, attribute))
