"""Contract types as data: a contract's steps, their words and how each is completed come from its type; the
parts a type does not use are refused and not offered; the council submission draws the type's own flow."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from contracts import services
from contracts.models import Designation
from contracttypes.models import ContractType, FlowStep
from contracttypes.parts import uses
from contracttypes.selectors import labels_for, step_label, steps_for
from core.errors import DomainError
from tests.factories import designate, make_contract
from yearend import council
from yearend.report import report_return, report_submit

pytestmark = pytest.mark.django_db

PRINTING_LABELS = ["① 区が宛名データを作成しLGWANで送付", "② 委託先が印刷", "③ 委託先が封入封緘・発送", "④ データ消去の報告"]


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode("utf-8")


def test_the_seeds_contract_keeps_its_six_steps_with_their_words(world):
    assert [row.step for row in world.contract.steps.order_by("step")] == [1, 2, 3, 4, 5, 6]
    assert labels_for(world.contract)[3] == "③ データ取りまとめ及びCD-R等で送付"
    # word for word as Contract.Step has always labelled them
    from contracts.models import Contract
    assert [step_label(s) for s in steps_for(world.contract)] == [str(label) for label in Contract.Step.labels]


def test_a_printing_contract_has_its_types_four_steps_on_its_page(world, printing, client_as):
    assert [row.step for row in printing.steps.order_by("step")] == [1, 2, 3, 4]
    page = client_as(world.hr).get(reverse("contracts:detail", args=[printing.slug])).content.decode()
    for label in PRINTING_LABELS:
        assert label in page
    assert "LoGoフォーム" not in page and "⑤" not in page
    assert "委託の種類: 印刷・封入封緘" in page


def test_a_printing_contracts_steps_are_all_completed_by_hand_and_audited_by_their_words(world, printing,
                                                                                        client_as):
    client = client_as(world.hr)
    for number in (1, 2, 3, 4):
        response = client.post(reverse("contracts:step_complete", args=[printing.slug, number]),
                               {"completed_at": "2025-06-02T10:00", "note": f"記録{number}"})
        assert response.status_code == 302
    assert printing.steps.filter(completed_at__isnull=False).count() == 4
    entry = AuditEntry.objects.filter(action="contract.step.completed", contract=printing).order_by("pk").last()
    assert entry.payload["step"] == "④ データ消去の報告"
    # a step the type does not have is not there
    assert client.get(reverse("contracts:step_complete", args=[printing.slug, 5])).status_code == 404
    with pytest.raises(DomainError, match="工程は①〜④から選んでください"):
        services.contract_step_complete(contract=printing, step=5, actor=world.hr)


def test_a_step_follows_the_record_its_type_names_not_a_fixed_number(world):
    kind = ContractType.objects.create(code="review", name="報告書作成", uses_media_custody=False)
    FlowStep.objects.create(contract_type=kind, number=1, text="区が資料を送付", actor="ward")
    FlowStep.objects.create(contract_type=kind, number=2, text="報告書の提出", actor="contractor", follows="report")
    contract = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="review-2025",
                             contract_type=kind)
    designate(contract, world.manager, Designation.Kind.MANAGER, actor=world.hr)
    with pytest.raises(DomainError) as refused:
        services.contract_step_complete(contract=contract, step=2, actor=world.hr)
    assert refused.value.code == "follows_records" and "工程②は" in refused.value.message
    report = report_submit(contract=contract, actor=world.manager, title="報告書", submitted_at=timezone.now(),
                           pages=3, no_personal_data=True)
    assert contract.steps.get(step=2).is_done and not contract.steps.get(step=1).is_done
    report_return(report=report, actor=world.hr, reason="個人情報が含まれていたため")
    row = contract.steps.get(step=2)
    assert not row.is_done
    assert row.events.order_by("pk").last().text == "報告書が差し戻されたため（記録に従い自動で未了に戻しました）"


def test_the_type_changes_only_before_a_step_is_recorded(world, printing):
    survey = ContractType.objects.get(is_default=True)
    fields = {f: getattr(printing, f) for f in services.CONTRACT_FIELDS}
    services.contract_update(contract=printing, actor=world.hr, **{**fields, "contract_type": survey})
    assert printing.steps.count() == 6
    services.contract_step_complete(contract=printing, step=1, actor=world.hr)
    kind = ContractType.objects.get(code="printing")
    with pytest.raises(DomainError, match="委託の種類は変更できません") as refused:
        services.contract_update(contract=printing, actor=world.hr, **{**fields, "contract_type": kind})
    assert refused.value.field == "contract_type"
    assert printing.steps.count() == 6


def test_the_contract_form_offers_the_type_and_a_new_contract_takes_the_default(world, client_as):
    page = client_as(world.hr).get(reverse("contracts:create")).content.decode()
    assert 'name="contract_type"' in page and "調査・分析" in page


def test_the_parts_a_type_does_not_use_are_refused_and_not_offered(world, printing, client_as):
    assert uses(world.contract, "survey_export") and uses(world.contract, "media_custody")
    assert not uses(printing, "survey_export") and not uses(printing, "media_custody")
    assert uses(printing, "online_transfer")
    client = client_as(world.hr)
    page = client.get(reverse("contracts:detail", args=[printing.slug])).content.decode()
    assert reverse("engagement:index", args=[printing.slug]) not in page
    assert reverse("handover:items", args=[printing.slug]) not in page
    seed_page = client.get(reverse("contracts:detail", args=[world.contract.slug])).content.decode()
    assert reverse("engagement:index", args=[world.contract.slug]) in seed_page

    from engagement.services import survey_upload
    from handover.services import item_register
    with pytest.raises(DomainError, match="調査データの書き出しを使いません"):
        survey_upload(contract=printing, actor=world.hr,
                      survey=SimpleUploadedFile("a.csv", "職員番号\n1\n".encode(), content_type="text/csv"))
    with pytest.raises(DomainError, match="記録媒体等の受渡し・保管を使いません"):
        item_register(contract=printing, actor=world.hr, category="medium", label="CD-R 1", contents="宛名")


def test_the_council_submission_of_a_printing_contract_draws_its_four_steps(printing):
    _name, _type, content = council.council_submission_pdf(printing)
    text = "".join(pdf_text(content).split())
    positions = [text.find("".join(label.split())) for label in PRINTING_LABELS]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    assert "委託の種類:印刷・封入封緘" in text
    assert "Logoフォーム" not in text


def test_closing_a_printing_contract_asks_for_its_own_steps_and_not_for_the_survey_report(world, printing):
    from contracts.closing import closing_blockers

    texts = [b.text for b in closing_blockers(printing)]
    assert any("未了の工程があります: ①、②、③、④" in t for t in texts), texts
    assert not any("報告書（個人情報なし）" in t for t in texts), texts
    seed_texts = [b.text for b in closing_blockers(world.contract)]
    assert any("報告書（個人情報なし）が受理されていません" in t for t in seed_texts)


def test_the_copy_into_the_next_year_keeps_the_type_and_its_steps(world, printing):
    copy = services.contract_copy_to_next_year(contract=printing, actor=world.hr)
    assert copy.contract_type.code == "printing"
    assert [row.step for row in copy.steps.order_by("step")] == [1, 2, 3, 4]


def test_a_step_added_to_the_type_later_shows_on_its_contracts_and_can_be_completed(world, printing, client_as):
    FlowStep.objects.create(contract_type=printing.contract_type, number=5, text="請求書の受領", actor="ward")
    client = client_as(world.hr)
    page = client.get(reverse("contracts:detail", args=[printing.slug])).content.decode()
    assert "⑤ 請求書の受領" in page
    response = client.post(reverse("contracts:step_complete", args=[printing.slug, 5]),
                           {"completed_at": "2025-06-02T10:00", "note": ""})
    assert response.status_code == 302 and printing.steps.get(step=5).is_done


def test_the_survey_pages_of_a_printing_contract_say_the_export_is_not_used_and_offer_no_upload(world, printing,
                                                                                             client_as):
    client = client_as(world.hr)
    page = client.get(reverse("engagement:index", args=[printing.slug])).content.decode()
    assert "この契約の種類（印刷・封入封緘）では調査データの書き出しを使いません。" in page
    assert 'type="file"' not in page
