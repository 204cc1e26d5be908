"""Demo data: a 印刷・封入封緘 contract of the second section (税務課, its clerk 山本), of the type
``contracttypes.demo`` makes, whose data goes to the printer over LGWAN instead of on a disc.

FY2026 (令和8年度) 住民税納税通知書の印刷・封入封緘業務委託 with 株式会社新宿印刷（デモ）: made by 山本 on 10 April
2026, in force from 1 May; the printer's handling manager 中村 and handler 小川 approved on 7 May; on 20 May 山本
sends the address data (atena_r8_tousho.zip) over LGWAN-ASP to 小川, who acknowledges it half an hour later;
steps ①–③ done in May and June, ④ (データ消去の報告) waiting for the year's end.

It lives here, above contracts (which makes the contract) and contracttypes (the type), beside the online
transfer it records. Called from ``handover.demo.add_to_demo``; safe to run twice; it waits for SCOPE's second
section and clerk (``contracts.demo.SECOND_SECTION_CODE`` / ``SECOND_SECTION_CLERK``)."""

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.utils import timezone

from contracts import demo as contracts_demo
from contracts import services as contract_services
from contracts.demo import at, told_at
from contracts.models import Contract, ContractStep, Designation, Organisation
from contracttypes.demo import ensure_printing_type

from . import services
from .models import OnlineTransfer

PRINTING_SLUG = "zeimu-printing-2026"
PRINTER = "株式会社新宿印刷（デモ）"
PRINTING_CONTRACT = {
    "title": "住民税納税通知書の印刷・封入封緘業務委託",
    "project_name": "特別区民税・都民税（普通徴収）納税通知書の送付",
    "department": "区民部税務課",
    "regulation_basis": "第3条第1項第3号（業務委託）",
    "purpose": "普通徴収の納税義務者へ納税通知書を確実に送付するため、印刷・封入封緘・発送を委託する。",
    "subjects": "普通徴収の納税義務者",
    "subject_count": "約 120,000 人",
    "project_description": "当初課税分の納税通知書の印刷、封入封緘及び郵便局への差出し。",
    "holding_section": "税務課",
    "registered_work_name": "特別区民税・都民税の賦課に関する事務",
    "information_items": "納税義務者の氏名・住所・税額・納期ごとの金額・通知書番号",
    "recording_media": "電磁的記録（LGWAN-ASPによる送信。記録媒体の受渡しなし）",
    "reason": "大量の通知書を短期間に正確に印刷・封入封緘するため、専用設備を持つ事業者に委託する。",
    "work_content": "宛名データの受信、印刷、封入封緘、発送、作業後のデータ消去及び消去の報告。",
    "start_date": dt.date(2026, 5, 1),
    "end_date": dt.date(2027, 3, 31),
    "fiscal_year": 2026,
    "recurring": True,
}
MADE_ON, APPROVED_ON = dt.date(2026, 4, 10), dt.date(2026, 5, 7)
SENT_AT = at(dt.date(2026, 5, 20), 10)
STEPS = [  # (step, day, note)
    (1, dt.date(2026, 5, 20), "宛名データ（暗号化zip）をLGWAN-ASPで送付（送信 No.1）"),
    (2, dt.date(2026, 5, 28), "印刷完了の報告を受けた"),
    (3, dt.date(2026, 6, 5), "封入封緘・差出し完了（差出票の写しを受領）"),
]
DATA = "令和8年度 当初課税 宛名データ（デモ）".encode()


def add_printing_contract(world) -> Contract | None:
    code = getattr(contracts_demo, "SECOND_SECTION_CODE", None)
    clerk_name = getattr(contracts_demo, "SECOND_SECTION_CLERK", None)
    section = Organisation.objects.filter(code=code).first() if code else None
    clerk = get_user_model().objects.filter(username=clerk_name).first() if clerk_name else None
    if section is None or clerk is None or timezone.now() < SENT_AT + dt.timedelta(days=30):
        return None  # the second section is not there yet, or a clock before the story
    printer, _ = Organisation.objects.update_or_create(
        name=PRINTER, defaults={"kind": Organisation.Kind.CONTRACTOR, "address": "東京都新宿区西新宿一丁目1番1号",
                                "emergency_contact_name": "取扱責任者 中村", "emergency_contact_phone": "03-3333-3333",
                                "emergency_contact_email": "nakamura@example.co.jp",
                                "emergency_procedure": "事故等を発見した者は直ちに取扱責任者へ報告し、取扱責任者は税務課長へ電話で連絡する。"})
    manager = contracts_demo._user("nakamura", "中村 健太", printer, email="nakamura@example.co.jp")
    handler = contracts_demo._user("ogawa", "小川 由美", printer, email="ogawa@example.co.jp")
    contract = Contract.objects.filter(slug=PRINTING_SLUG).first()
    if contract is None:
        with told_at(at(MADE_ON, 9)):
            contract = contract_services.contract_create(actor=clerk, slug=PRINTING_SLUG, ward_section=section,
                                                         contractor=printer, contract_type=ensure_printing_type(),
                                                         **PRINTING_CONTRACT)
        with told_at(at(PRINTING_CONTRACT["start_date"], 9)):
            contract = contract_services.contract_start(contract=contract, actor=clerk, confirm_early=True)
    for person, kind, duties in ((manager, Designation.Kind.MANAGER, "取扱責任者"),
                                 (handler, Designation.Kind.HANDLER, "宛名データの受信・印刷")):
        contracts_demo._approved(contract, person, kind, reporter=clerk, approver=clerk, duties=duties,
                                 reported_at=at(APPROVED_ON, 10), decided_at=at(APPROVED_ON, 15))
    if not OnlineTransfer.objects.filter(contract=contract).exists():
        with told_at(SENT_AT):
            transfer = services.transfer_record(
                contract=contract, actor=clerk, recipient=handler, sent_at=SENT_AT, channel="lgwan_asp",
                file_name="atena_r8_tousho.zip", sha256=hashlib.sha256(DATA).hexdigest(), size=48_213_504,
                notes="暗号化zip。パスワードは別途電話で伝達")
        with told_at(SENT_AT + dt.timedelta(minutes=30)):
            services.transfer_acknowledge(transfer=transfer, actor=handler, confirmed=True)
        OnlineTransfer.objects.filter(pk=transfer.pk).update(recorded_at=SENT_AT + dt.timedelta(minutes=2),
                                                             acknowledged_at=SENT_AT + dt.timedelta(minutes=30))
    for step, day, note in STEPS:
        if not ContractStep.objects.get(contract=contract, step=step).is_done:
            with told_at(at(day, 10)):
                contract_services.contract_step_complete(contract=contract, step=step, actor=clerk,
                                                         completed_at=at(day, 10), note=note)
    return contract
