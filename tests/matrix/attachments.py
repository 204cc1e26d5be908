"""Evidence files, on contract A registered as a record that holds files (tests.attachments.helpers: no
app registers contracts.Contract; the registration stays for the matrix's module, harmless to its rows).

Whoever sees the record sees its files and may download them (every download audited); HR and the
manager attach (the handler and the auditor see the record but may not: 403); another contractor and a
ward person on no contract find nothing (404), whatever the method."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments import services
from tests.attachments.helpers import register_contract
from tests.matrix import DONE, Row, audited, post_only, statuses

PDF = b"%PDF-1.7\n%%EOF\n"


def _upload():
    return SimpleUploadedFile("点検結果.pdf", PDF, content_type="application/pdf")


def target(w):
    register_contract(w)
    return {"content_type_id": ContentType.objects.get_for_model(w.contract).pk, "object_id": w.contract.pk}


def evidence(w):
    register_contract(w)
    file = services.attach(target=w.contract, upload=_upload(), actor=w.hr)
    return {"pk": file.pk}


def records(w):
    return {"slug": w.contract.slug}


def handlers_designation(w):
    """The handler's own designation: they, the manager and HR attach (誓約書); the auditor only reads."""
    designation = w.contract.designations.get(user=w.handler)
    return {"content_type_id": ContentType.objects.get_for_model(designation).pk, "object_id": designation.pk}


HIDDEN = {"outsider": 404, "other": 404}

ROWS = [
    Row("attachments:upload", kwargs=target, get=post_only(**HIDDEN),
        post=statuses(DONE, handler=403, auditor=403, **HIDDEN),
        data=lambda w: {"file": _upload(), "slot": "", "next": "/"}, contract_object=True,
        happened=audited("evidence.file.attached")),
    Row("attachments:download", kwargs=evidence, get=statuses(200, **HIDDEN), post=post_only(**HIDDEN),
        contract_object=True),
    # The page of the contract's designations and subcontracting applications with their files (registered by
    # attachments.contract_records with the contracts app's rules): whoever sees the contract.
    Row("attachments:contract_records", kwargs=records, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("attachments:upload", kwargs=handlers_designation, get=post_only(**HIDDEN),
        post=statuses(DONE, auditor=403, **HIDDEN),
        data=lambda w: {"file": _upload(), "slot": "pledge", "next": "/"}, contract_object=True,
        happened=audited("evidence.file.attached")),
]
