"""Purging the survey data: an upload once its package is built or after the retention period, a package's
encrypted file once its disc is handed over, and any stored file no record points to.

The seed asks that personal data be kept no longer than the work needs it (業務終了後…電子データは消去);
the PPC's guidance asks the same of the correspondence between a pseudonym and the person. The rows
stay (what was uploaded, by whom, when, what was built), their data goes; the audit trail keeps that it
was purged, with counts, never a value.

Files are removed after the transaction commits, so a rolled-back purge never loses data it still
points to; a file whose removal failed is left for the next :func:`survey_data_purge`, which sweeps
stored files that no record points to.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_log
from handover.models import Item

from .. import crypto
from ..models import SurveyLinkKey, SurveyPackage, SurveyUpload

logger = logging.getLogger(__name__)

PURGE_ACTOR_LABEL = "manage.py purge_survey_data"
# A stored file younger than this may belong to an upload whose row is still being written.
ORPHAN_GRACE = dt.timedelta(hours=1)


def retention() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "SURVEY_UPLOAD_RETENTION_DAYS", 14)))


def remove_after_commit(names: list[str]) -> None:
    """Remove stored files once the transaction commits (also those an upload no longer points to, its files
    stored again when the survey and the master were swapped)."""
    names = [n for n in names if n]
    if not names:
        return

    def remove():
        for name in names:
            try:
                crypto.remove(name)
            except OSError:
                # Left for the sweep of orphans; the name says nothing about the data.
                logger.warning("survey data file %s could not be removed; the next purge retries", name)

    transaction.on_commit(remove)



def clear_upload(upload: SurveyUpload, *, state: str, reason: str, now) -> int:
    """Forget the upload's files (removed after commit) and its headers; returns how many files there were."""
    names = [upload.survey_blob, upload.master_blob]
    upload.survey_blob = upload.master_blob = ""
    upload.survey_name = upload.master_name = ""
    # The headers (sealed) and the settings that name columns or departments go with the data.
    upload.mapping_sealed = b""
    upload.quasi = None
    upload.plan = []
    upload.department_map = {}
    upload.dropped_columns = []
    upload.not_identifying = {}
    upload.suppression_reason = ""
    upload.unmasked = []
    upload.state = state
    upload.purged_at = now
    upload.purge_reason = reason
    upload.save(update_fields=["survey_blob", "master_blob", "survey_name", "master_name", "mapping_sealed", "quasi",
                               "plan", "department_map", "dropped_columns", "not_identifying", "suppression_reason",
                               "unmasked", "state", "purged_at", "purge_reason"])
    remove_after_commit(names)
    return sum(1 for n in names if n)


@transaction.atomic
def upload_purge(*, upload: SurveyUpload, reason: str, actor=None, actor_label: str | None = None,
                 request=None) -> SurveyUpload:
    """Purge one upload's data now (after building, when replaced by another file, or discarded by HR)."""
    upload = SurveyUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.purged_at is not None:
        return upload
    state = SurveyUpload.State.BUILT if reason == SurveyUpload.PurgeReason.BUILT else SurveyUpload.State.PURGED
    files = clear_upload(upload, state=state, reason=reason, now=timezone.now())
    audit_log(action="engagement.upload.purged", actor=actor, actor_label=actor_label, contract=upload.contract,
              obj=upload, request=request, payload={"reason": reason, "files": files})
    return upload


@transaction.atomic
def package_file_purge(*, package: SurveyPackage, actor=None, actor_label: str | None = None,
                       request=None) -> bool:
    """Remove a package's encrypted file once its disc has left the ward: from then on the disc is the
    copy, tracked in the ledger. True when there was a file."""
    package = SurveyPackage.objects.select_for_update(of=("self",)).select_related("medium").get(pk=package.pk)
    if not package.has_file:
        return False
    name = package.blob
    package.blob = ""
    package.file_purged_at = timezone.now()
    package.save(update_fields=["blob", "file_purged_at"])
    remove_after_commit([name])
    audit_log(action="engagement.package.file_purged", actor=actor, actor_label=actor_label,
              contract=package.contract, obj=package, request=request,
              payload={"medium": package.medium.label, "state": package.medium.state})
    return True


@dataclass(frozen=True)
class PurgeResult:
    uploads: int
    packages: int
    orphans: int

    @property
    def total(self) -> int:
        return self.uploads + self.packages + self.orphans


@transaction.atomic
def survey_data_purge(*, now: dt.datetime | None = None, actor_label: str = PURGE_ACTOR_LABEL) -> PurgeResult:
    """The periodic purge (``purge_survey_data``, and ``send_reminders`` every day): uploads past their
    retention period, package files whose disc was handed over, and stored files no record points to.
    One audit entry per contract with its counts (and one for files no record points to), only when
    something was purged."""
    now = now or timezone.now()
    per_contract: dict[int, Counter] = {}
    expired = SurveyUpload.objects.select_for_update(of=("self",)).select_related("contract").filter(
        state__in=[SurveyUpload.State.MAPPING, SurveyUpload.State.READY], expires_at__lte=now)
    contracts = {}
    for upload in expired:
        clear_upload(upload, state=SurveyUpload.State.PURGED, reason=SurveyUpload.PurgeReason.EXPIRED, now=now)
        per_contract.setdefault(upload.contract_id, Counter())["uploads"] += 1
        contracts[upload.contract_id] = upload.contract

    handed = SurveyPackage.objects.select_for_update(of=("self",)).select_related("contract").exclude(blob="").filter(
        file_purged_at__isnull=True).exclude(medium__state=Item.State.PREPARED)
    for package in handed:
        remove_after_commit([package.blob])
        package.blob = ""
        package.file_purged_at = now
        package.save(update_fields=["blob", "file_purged_at"])
        per_contract.setdefault(package.contract_id, Counter())["packages"] += 1
        contracts[package.contract_id] = package.contract

    referenced = set()
    for survey, master in SurveyUpload.objects.values_list("survey_blob", "master_blob"):
        referenced.update((survey, master))
    referenced.update(SurveyPackage.objects.values_list("blob", flat=True))
    cutoff = time.time() - ORPHAN_GRACE.total_seconds()
    orphans = [name for name in crypto.stored_names() - referenced
               if (crypto.stored_at(name) or time.time()) < cutoff]
    remove_after_commit(orphans)

    days = retention().days
    for contract_id, counts in per_contract.items():
        audit_log(action="engagement.data.purged", actor_label=actor_label, contract=contracts[contract_id],
                  payload={"uploads": counts["uploads"], "packages": counts["packages"], "orphans": 0,
                           "retention_days": days})
    if orphans:
        audit_log(action="engagement.data.purged", actor_label=actor_label,
                  payload={"uploads": 0, "packages": 0, "orphans": len(orphans), "retention_days": days})
    return PurgeResult(uploads=sum(c["uploads"] for c in per_contract.values()),
                       packages=sum(c["packages"] for c in per_contract.values()), orphans=len(orphans))


@dataclass(frozen=True)
class ContractPurge:
    """What closing a contract purged of its survey data, as counts (never a value)."""

    uploads: int    # uploads whose files were still kept
    packages: int   # package files still kept (a disc never handed over)
    files: int      # stored files removed, uploads' and packages' together
    link_key: int   # 1 when the ward-side key of linkable pseudonyms was removed

    def as_payload(self) -> dict:
        # Not "link_key": the audit trail masks a payload key named like a secret (audit.services.is_secret_key).
        return {"uploads": self.uploads, "packages": self.packages, "files": self.files,
                "pseudonym_keys": self.link_key}


def contract_survey_data_purge(*, contract, keep_link_key: bool = False, now: dt.datetime | None = None) -> ContractPurge:
    """Closing a contract (contracts.closing.contract_close): the app's own copies of its survey data go —
    every upload still kept, every package file still kept, and the ward-side key of linkable pseudonyms
    unless HR keeps it for next year's contract (which finds it through ``contract.previous``).

    Runs inside the closing's transaction and writes no audit entry: the closing's entry carries these
    counts. The files are removed once that transaction commits."""
    now = now or timezone.now()
    files = uploads = packages = 0
    for upload in SurveyUpload.objects.select_for_update().filter(contract=contract, purged_at__isnull=True):
        files += clear_upload(upload, state=SurveyUpload.State.PURGED, reason=SurveyUpload.PurgeReason.CLOSED,
                              now=now)
        uploads += 1
    for package in SurveyPackage.objects.select_for_update().filter(contract=contract, file_purged_at__isnull=True):
        if package.blob:
            remove_after_commit([package.blob])
            files += 1
            packages += 1
        package.blob = ""
        package.file_purged_at = now
        package.save(update_fields=["blob", "file_purged_at"])
    link_key = 0
    if not keep_link_key:
        link_key, _ = SurveyLinkKey.objects.filter(contract=contract).delete()
    return ContractPurge(uploads=uploads, packages=packages, files=files, link_key=link_key)


def daily_purge(*, actor_label: str) -> str:
    """The daily job (core.daily): the survey data kept past its period (seed: 業務終了後…電子データは消去)."""
    purged = survey_data_purge(actor_label=actor_label)
    return (f"Survey data purged: {purged.uploads} uploads, {purged.packages} package files, "
            f"{purged.orphans} unreferenced files.")
