"""Which of the app's parts a contract's type uses (engagement and handover ask, and refuse what it does not)."""

from django.utils.translation import gettext as _

from core.answers import YES, Answer, no

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


def _refusals() -> dict[str, str]:
    # Read per call, so the refusal speaks the request's language.
    return {
        "survey_export": _("この契約の種類（%(type)s）では調査データの書き出しを使いません。"),
        "media_custody": _("この契約の種類（%(type)s）では記録媒体等の受渡し・保管を使いません。"),
        "online_transfer": _("この契約の種類（%(type)s）ではLGWAN等による送信を使いません。"),
    }


def used(contract, part: str) -> Answer:
    """YES when the contract's type uses ``part``, else the refusal naming the type (code ``no_<part>``): the one
    answer of engagement's and handover's ``may_*`` rules and of the pages that offer the part."""
    if uses(contract, part):
        return YES
    return no(_refusals()[part] % {"type": contract.contract_type.name}, f"no_{part}")
