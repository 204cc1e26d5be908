"""Attaching and reading evidence files: the only writes and reads of the files' bytes.

Issue 16 (5): each file is encrypted at rest like the survey store, keeps its SHA-256, name, size, who
and when; a new upload makes a new version and old versions stay readable; limits on size and type; every
download is audited and listed among the downloads of personal data.

The audit entries hold the file's id, version, SHA-256, size and type, never its name: a name such as
「山田太郎_誓約書.pdf」 is personal data, and audit entries are kept for years.
"""

from __future__ import annotations

import hashlib
import logging
import time
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError

from . import content, registry, storage
from .models import EvidenceFile

logger = logging.getLogger(__name__)

# A file with no row this long after it was written belongs to a transaction that was rolled back (a
# caller's, around attach): the daily sweep removes it. Long enough for any request to have finished.
ORPHAN_AGE_SECONDS = 6 * 60 * 60
# The files this request wrote whose transaction has not been seen to commit: at the end of the request,
# those that no row names are removed (remove_uncommitted, on request_finished). None outside a request (a
# command, load_demo, a test's own code): nothing is kept there, so nothing is left over for the next request
# to check (a command's rolled-back files are the daily sweep's). Set at request_started (begin_request).
_uncommitted: ContextVar[tuple[str, ...] | None] = ContextVar("attachments_uncommitted", default=None)


def _rules(target, message=None) -> registry.Target:
    rules = registry.target_for(target) if target is not None else None
    if rules is None or getattr(target, "pk", None) is None:
        raise DomainError(message or _("この記録には資料を添付できません。"), code="not_registered")
    return rules


def _payload(file: EvidenceFile) -> dict:
    return {"file": file.pk, "version": file.version, "sha256": file.sha256, "size": file.size,
            "media_type": file.media_type, "format": content.FORMATS.get(file.media_type, ""), "slot": file.slot,
            "target": file.content_type.model_class()._meta.label_lower if file.content_type_id else "",
            "target_id": file.object_id}


def attach(*, target, upload, actor, slot: str = "", request=None) -> EvidenceFile:
    """Keep ``upload`` as the next version of the files of (``target``, ``slot``).

    Refused with a Japanese DomainError (nothing written) when the actor may not attach to the target
    (the registry's may_attach), the file is empty, over settings.EVIDENCE_MAX_FILE_SIZE, or not a PDF,
    JPEG, PNG, XLSX or DOCX by its content. The file is sealed before the row is written; if writing the
    row or the audit entry fails, the file is removed. Called inside a caller's transaction that is later
    rolled back, the file is left without a row: it is removed when the request ends
    (:func:`remove_uncommitted`), or by the daily sweep (:func:`sweep_orphans`) outside a request.
    """
    rules = _rules(target)
    rules.may_attach(actor, target).require()
    slot = str(slot or "")[:40]
    checked = content.check_upload(upload)
    sha256 = hashlib.sha256(checked.data).hexdigest()
    contract, organisation = rules.contract(target), rules.organisation(target)
    token = ""
    try:
        with transaction.atomic():
            content_type = ContentType.objects.get_for_model(type(target))
            # Lock the target's row so that two uploads to one slot do not take the same version number.
            list(type(target)._base_manager.select_for_update(of=("self",)).filter(pk=target.pk).values_list("pk", flat=True))
            last = (EvidenceFile.objects.filter(content_type=content_type, object_id=target.pk, slot=slot)
                    .aggregate(last=Max("version"))["last"] or 0)
            # Sealed to the row about to be written (storage.binding; the same values read() binds from the
            # row), so that a row whose token, target, version or SHA-256 is changed later does not open.
            token = storage.store(checked.data, bound=storage.binding(
                target_label=f"{content_type.app_label}.{content_type.model}", object_id=target.pk, slot=slot,
                version=last + 1, sha256=sha256, contract_id=getattr(contract, "pk", None),
                organisation_id=getattr(organisation, "pk", None)))
            file = EvidenceFile.objects.create(
                content_type=content_type, object_id=target.pk, slot=slot, contract=contract,
                organisation=organisation, version=last + 1, name=checked.name,
                size=len(checked.data), sha256=sha256, media_type=checked.media_type, token=token,
                uploaded_at=timezone.now(), uploaded_by=actor)
            audit_log(action="evidence.file.attached", actor=actor, contract=file.contract, obj=file,
                      request=request, payload=_payload(file))
    except BaseException:
        if token:
            storage.remove(token)
        raise
    if _uncommitted.get() is not None:
        _uncommitted.set((*_uncommitted.get(), token))
        transaction.on_commit(lambda: _committed(token))
    return file


def _committed(token: str) -> None:
    tokens = _uncommitted.get()
    if tokens is not None:
        _uncommitted.set(tuple(t for t in tokens if t != token))


def begin_request(**kwargs) -> None:
    """Start keeping the files this request writes (connected to ``request_started``)."""
    _uncommitted.set(())


def remove_uncommitted(**kwargs) -> int:
    """Remove the files written during this request for rows that were rolled back (a caller's transaction
    around attach that failed later); connected to ``request_finished``. The daily sweep catches the rest
    (a command's, or a server stopped in between)."""
    tokens = _uncommitted.get()
    _uncommitted.set(None)
    if not tokens:
        return 0
    try:
        kept = set(EvidenceFile.objects.filter(token__in=tokens).values_list("token", flat=True))
        return sum(1 for token in set(tokens) - kept if storage.remove(token))
    except Exception:  # the database gone as the request ends: the daily sweep will find them
        logger.warning("could not check %s evidence file(s) written during the request", len(tokens))
        return 0


def read(file: EvidenceFile, *, actor, request=None) -> bytes:
    """The plain bytes of ``file`` for ``actor``, who must be allowed to see its target; audited as a
    download (``evidence.file.downloaded``, among the downloads of personal data).

    Refused with a DomainError when the target is gone or no longer registered, when the actor may not
    view it, or when the stored file cannot be read back or no longer matches its SHA-256. The file opens
    only for the row it was sealed to (storage.binding_of): a row whose token, target, slot, version,
    SHA-256, contract or organisation was changed in the database is refused as 書き換えられています.

    A refused read is not a download (no bytes leave): it writes no ``evidence.file.downloaded`` entry but
    ``evidence.file.unreadable`` with the reason's code, so that a damaged or altered row is on the trail.
    """
    target = file.target
    rules = _rules(target, _("この資料を添付した記録が見つかりません。"))
    rules.may_view(actor, target).require()
    try:
        data = storage.load(file.token, bound=storage.binding_of(file))
        if hashlib.sha256(data).hexdigest() != file.sha256:
            raise storage.StoredDataError(
                _("保存した資料が登録時の内容と一致しません（SHA-256が違います）。システム管理者に連絡してください。"),
                code="sha256")
    except storage.StoredDataError as error:
        with transaction.atomic():
            audit_log(action="evidence.file.unreadable", actor=actor, contract=file.contract, obj=file,
                      request=request, payload={**_payload(file), "reason": str(error.code or "")})
        raise
    with transaction.atomic():
        audit_log(action="evidence.file.downloaded", actor=actor, contract=file.contract, obj=file,
                  request=request, payload=_payload(file))
    return data


def sweep_orphans(*, actor_label: str = "", older_than: float = ORPHAN_AGE_SECONDS) -> str:
    """Remove stored files that no row names (left by a rolled-back transaction); a daily job."""
    known = set(EvidenceFile.objects.values_list("token", flat=True))
    cutoff = time.time() - older_than
    removed = 0
    for name in storage.vault.stored_names() - known:
        stored_at = storage.vault.stored_at(name)
        if stored_at is not None and stored_at < cutoff and storage.remove(name):
            removed += 1
    if removed:
        with transaction.atomic():
            audit_log(action="evidence.file.orphans_removed", actor_label=actor_label or None,
                      payload={"files": removed})
    return f"{removed} orphaned evidence file(s) removed."
