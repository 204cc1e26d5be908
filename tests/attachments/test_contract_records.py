"""A designation's 誓約書 and training record, and a subcontracting application's documents (issue 16, 5):
the contracts app cannot register its own records for files, so the attachments app does, with the contract
app's rules, and shows them on its page ``attachments:contract_records``."""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from attachments import services
from attachments.models import EvidenceFile
from contracts import services as contract_services
from contracts.permissions import may_attach_to_designation
from core.evidence import evidence_for, shows_unmet
from tests.attachments.conftest import JPEG, PDF, upload
from tests.matrix.contracts import APPLICATION


def _page(w):
    return reverse("attachments:contract_records", kwargs={"slug": w.contract.slug})


def _upload_url(obj):
    return reverse("attachments:upload", args=[ContentType.objects.get_for_model(type(obj)).pk, obj.pk])


def _designation(w, user):
    return w.contract.designations.get(user=user)


def test_the_designee_uploads_a_pledge_the_manager_a_training_record_and_hr_reads_them(client_as, world):
    own = _designation(world, world.handler)
    client = client_as(world.handler)
    page = client.get(_page(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "誓約書のファイル" in html and "山田 美咲" in html and "承認済み" in html
    response = client.post(_upload_url(own), {"file": upload(PDF, "誓約書_山田.pdf"), "slot": "pledge",
                                              "next": _page(world)})
    assert response.status_code == 302 and response["Location"] == _page(world)

    client = client_as(world.manager)
    response = client.post(_upload_url(own), {"file": upload(JPEG, "研修修了.jpg", "image/jpeg"),
                                              "slot": "training", "next": _page(world)})
    assert response.status_code == 302
    files = {f.slot: f for f in EvidenceFile.objects.filter(object_id=own.pk)}
    assert files["pledge"].uploaded_by == world.handler and files["training"].uploaded_by == world.manager
    assert files["pledge"].contract == world.contract

    html = client_as(world.hr).get(_page(world)).content.decode()
    assert "誓約書_山田.pdf" in html and "研修修了.jpg" in html and files["pledge"].sha256 in html
    download = client_as(world.hr).get(reverse("attachments:download", args=[files["pledge"].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content if download.streaming
                                                    else [download.content]) == PDF
    # The auditor reads, but has no form.
    html = client_as(world.auditor).get(_page(world)).content.decode()
    assert "誓約書_山田.pdf" in html and "誓約書のファイル" not in html


def test_another_contractor_finds_neither_the_page_nor_the_files(client_as, world):
    own = _designation(world, world.handler)
    file = services.attach(target=own, upload=upload(PDF), actor=world.handler, slot="pledge")
    client = client_as(world.other_manager)
    assert client.get(_page(world)).status_code == 404
    assert client.get(reverse("attachments:download", args=[file.pk])).status_code == 404
    assert client.post(_upload_url(own), {"file": upload(PDF), "slot": "pledge"}).status_code == 404


def test_a_handler_may_not_attach_to_another_persons_designation(client_as, world):
    managers = _designation(world, world.manager)
    client = client_as(world.handler)
    html = client.get(_page(world)).content.decode()
    assert html.count("誓約書のファイル") == 1  # only the form on their own designation
    response = client.post(_upload_url(managers), {"file": upload(PDF), "slot": "pledge"})
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


def test_a_revoked_designation_takes_no_more_files(world):
    own = contract_services.designation_revoke(designation=_designation(world, world.handler), actor=world.hr)
    answer = may_attach_to_designation(world.hr, own)
    assert not answer and "取消" in answer.message


def test_the_operational_04_evidence_lists_the_pledge_with_its_sha256(world):
    own = _designation(world, world.handler)
    services.attach(target=own, upload=upload(PDF, "誓約書.pdf"), actor=world.handler, slot="pledge")
    rows = evidence_for(world.contract, "contractor.operational.04")
    designations = [e for e in rows if "取扱責任者" in e.summary and e.files]
    assert len(designations) == 1
    (ref,) = designations[0].files
    assert (ref.name, ref.sha256, ref.version) == ("誓約書.pdf", hashlib.sha256(PDF).hexdigest(), 1)
    assert "誓約書等 1件" in designations[0].summary


def test_a_subcontracting_applications_documents_are_listed_for_operational_03_without_a_verdict(client_as, world):
    sub = contract_services.subcontractor_apply(contract=world.contract, actor=world.manager, submit=False,
                                                **APPLICATION)
    response = client_as(world.manager).post(_upload_url(sub), {"file": upload(PDF, "再委託契約書.pdf"),
                                                                "next": _page(world)})
    assert response.status_code == 302
    assert client_as(world.handler).post(_upload_url(sub), {"file": upload(PDF)}).status_code == 403
    contract_services.subcontractor_submit(subcontractor=sub, actor=world.manager)
    rows = evidence_for(world.contract, "ward.operational.03")
    (files_row,) = [e for e in rows if e.files]
    assert files_row.met is None and "再委託の申請の資料 1件" in files_row.summary
    assert files_row.files[0].name == "再委託契約書.pdf"
    # The verdict is the subcontracting records' own (waiting for the ward: unmet), not the files'.
    assert shows_unmet(rows)
    assert "再委託契約書.pdf" in client_as(world.auditor).get(_page(world)).content.decode()


def test_the_contract_menu_links_the_page(client_as, world):
    html = client_as(world.handler).get(reverse("contracts:detail", kwargs={"slug": world.contract.slug})).content
    assert _page(world).encode() in html and "誓約書・研修記録・再委託の資料".encode() in html
