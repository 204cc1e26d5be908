"""The seed's contract type: a survey analysis, its six steps of 資料2-1 word for word."""

SURVEY_CODE = "survey"
SURVEY_NAME = "調査・分析"
SURVEY_STEPS = (
    # (number, text, actor, follows)
    (1, "LoGoフォームでフォーマットを作成し、全庁へ通知文の送付", "ward", ""),
    (2, "LoGoフォームで各自回答", "ward", ""),
    (3, "データ取りまとめ及びCD-R等で送付", "ward", ""),
    (4, "調査結果をもとに報告書（個人情報なし）作成", "contractor", "report"),
    (5, "報告書（個人情報なし）およびデータ返却（CD-R等）", "contractor", "returned"),
    (6, "対応策・改善策検討", "ward", "measures"),
)


def ensure_survey_type(ContractType, FlowStep):
    """The seed's type, made if missing (a migration, or a test database flushed between tests)."""
    kind, created = ContractType.objects.get_or_create(
        code=SURVEY_CODE,
        defaults={"name": SURVEY_NAME, "uses_survey_export": True, "uses_media_custody": True,
                  "uses_online_transfer": False, "is_default": True},
    )
    if created or not kind.steps.exists():
        FlowStep.objects.bulk_create(
            FlowStep(contract_type=kind, number=number, text=text, actor=actor, follows=follows)
            for number, text, actor, follows in SURVEY_STEPS
        )
    return kind
