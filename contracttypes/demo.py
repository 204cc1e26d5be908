"""The demo's second contract type: 印刷・封入封緘 (a printing and mailing job), its data sent over LGWAN.

contracttypes sits below contracts and cannot make a contract: the demo's contract of this type is made by
``handover.demo`` (with its online transfer), on SCOPE's second section.
"""

from django.db import transaction

from .models import ContractType, FlowStep

PRINTING_CODE = "printing"
PRINTING_NAME = "印刷・封入封緘"
PRINTING_STEPS = (
    # (number, text, actor, follows)
    (1, "区が宛名データを作成しLGWANで送付", "ward", ""),
    (2, "委託先が印刷", "contractor", ""),
    (3, "委託先が封入封緘・発送", "contractor", ""),
    (4, "データ消去の報告", "contractor", ""),
)


@transaction.atomic
def ensure_printing_type() -> ContractType:
    """The printing type with its four steps, made once (safe to run twice)."""
    kind, created = ContractType.objects.get_or_create(
        code=PRINTING_CODE,
        defaults={"name": PRINTING_NAME, "uses_survey_export": False, "uses_media_custody": False,
                  "uses_online_transfer": True,
                  "description": "納税通知書等の印刷・封入封緘・発送。宛名データはLGWAN経由で送信し、記録媒体は受け渡さない。"},
    )
    if not kind.steps.exists():
        FlowStep.objects.bulk_create(
            FlowStep(contract_type=kind, number=number, text=text, actor=actor, follows=follows)
            for number, text, actor, follows in PRINTING_STEPS
        )
    return kind


def add_to_demo(world=None):
    return ensure_printing_type()
