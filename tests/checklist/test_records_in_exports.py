"""The checklist page and PDF list under each item the records that back it (each provider's summary) and their
files with name, version and SHA-256, and the files attached to the attestation; read back with pdftotext."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments import services as attachments
from checklist import exports, records, services
from checklist.models import ChecklistItem, Confirmation, Side
from checklist.selectors import ATTESTATION_SLOT
from core.errors import DomainError
from tests.checklist.helpers import attest_side, finalise_plan, item, squash
from tests.checklist.test_confirmations import BEFORE_START
from tests.checklist.test_exports import pdf_text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def pdf(name, extra=b""):
    data = PDF + extra
    return SimpleUploadedFile(name, data, content_type="application/pdf"), hashlib.sha256(data).hexdigest()


def test_the_pdf_lists_each_items_records_and_their_files_with_sha256(world, client_as):
    finalise_plan(world)
    terms, terms_sha = pdf("特記事項.pdf")
    records.confirmation_record(contract=world.contract, kind=Confirmation.Kind.SPECIAL_TERMS, side=Side.WARD,
                                confirmed_on=BEFORE_START, reference="第1版", upload=terms, actor=world.hr)
    records.confirmation_record(contract=world.contract, kind=Confirmation.Kind.CLOUD, side=Side.CONTRACTOR,
                                confirmed_on=BEFORE_START, cloud_used=False, actor=world.manager)
    entry = item(world, "contractor.operational.01")
    services.item_attest(item=entry, attestation=ChecklistItem.Attestation.IN_PLACE, note="特記事項を付した契約",
                         actor=world.manager)
    photo = SimpleUploadedFile("社内周知.png", PNG, content_type="image/png")
    attachments.attach(target=entry, upload=photo, actor=world.manager, slot=ATTESTATION_SLOT)
    photo_sha = hashlib.sha256(PNG).hexdigest()

    _name, _type, content = exports.export(world.contract, "contractor", "pdf")
    text = squash(pdf_text(content))
    assert squash("記録【達成】特記事項（第1版）を付した") in text
    assert squash("クラウドサービスは利用しないと委託先が申告") in text
    assert squash(f"資料: 特記事項.pdf 第1版 SHA-256: {terms_sha}") in text
    assert squash("実施状況に添付した資料") in text
    assert squash(f"社内周知.png 第1版 SHA-256: {photo_sha}") in text
    # Item 05 has no record yet: the PDF says so under it.
    assert squash("記録【未達成】業務フロー（資料2-1）を委託先と共有した記録がありません。") in text

    page = client_as(world.manager).get(reverse("checklist:side", kwargs={"slug": world.contract.slug,
                                                                          "side": "contractor"})).content.decode()
    assert terms_sha in page and photo_sha in page and "社内周知.png" in page


def test_a_new_upload_is_listed_as_the_next_version_beside_the_first(world):
    finalise_plan(world)
    first, first_sha = pdf("フロー図.pdf")
    row = records.confirmation_record(contract=world.contract, kind=Confirmation.Kind.FLOW_SHARED, side=Side.WARD,
                                      confirmed_on=BEFORE_START, reference="第1版", upload=first, actor=world.hr)
    second, second_sha = pdf("フロー図.pdf", b"% revised\n")
    attachments.attach(target=row, upload=second, actor=world.hr)
    text = squash(pdf_text(exports.export(world.contract, "ward", "pdf")[2]))
    assert squash(f"フロー図.pdf 第1版 SHA-256: {first_sha}") in text
    assert squash(f"フロー図.pdf 第2版 SHA-256: {second_sha}") in text


def test_an_attestation_file_is_added_only_while_the_item_may_be_attested(world):
    finalise_plan(world)
    entry = item(world, "contractor.operational.02")
    upload = SimpleUploadedFile("報告.pdf", PDF, content_type="application/pdf")
    with pytest.raises(DomainError) as refused:  # HR does not attest the contractor's side
        attachments.attach(target=entry, upload=upload, actor=world.hr, slot=ATTESTATION_SLOT)
    assert refused.value.code == "side_attest"
    attest_side(world, "contractor", world.manager)
    services.side_submit(contract=world.contract, side="contractor", actor=world.manager)
    with pytest.raises(DomainError):  # awaiting the ward's review
        attachments.attach(target=entry, upload=upload, actor=world.manager, slot=ATTESTATION_SLOT)
