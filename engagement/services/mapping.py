"""The column mapping: HR confirms the roles, the file is validated against them (a refused file stays kept,
encrypted, for HR to change the mapping or replace it), and the mapping is kept with the contract and carried
to next year's copy."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError

from .. import permissions
from ..mapping import Mapping, Role, Source
from ..models import SurveyMapping, SurveyUpload
from ..reading import value_like_columns
from ..validation import ValidationReport, validate
from ._common import sealed
from .upload import load


def headers_that_passed(mapping: Mapping) -> Mapping:
    """The mapping without the columns of a file whose headers would not pass as a header row
    (reading.value_like_columns): a row of values has no header in it, not even the cells that look like
    words (a name, an answer). What a mapping kept with the contract, and carried to next year's, may hold."""
    refused = {source for source in Source
               if value_like_columns([spec.header for spec in mapping.columns if spec.source == source])}
    return Mapping(tuple(spec for spec in mapping.columns if spec.source not in refused))


def _audit_word(code: str) -> str:
    # The audit trail masks the value of any key that looks like a secret ("key"): the staff-number
    # role and problems are named for what they are instead, so their counts stay readable.
    return code.replace("key", "staff_number")


def _role_counts(mapping: Mapping) -> dict[str, int]:
    counts = Counter(str(spec.role) for spec in mapping.columns)
    return {_audit_word(str(role)): counts.get(str(role), 0) for role in Role}


def _validation_summary(report: ValidationReport) -> dict:
    summary = report.summary()
    summary["problems"] = {_audit_word(code): n for code, n in summary["problems"].items()}
    return summary


def check_mapping(mapping: Mapping, *, has_master: bool) -> None:
    """What the mapping itself must say before the file is checked against it."""
    for source, label in ((Source.SURVEY, _("回答ファイル")), (Source.MASTER, _("職員属性マスタ"))):
        keys = mapping.of_role(Role.KEY, source)
        if len(keys) > 1:
            raise DomainError(_("%(file)sで「職員番号」にした列が%(count)s列あります。1列だけにしてください。")
                              % {"file": label, "count": len(keys)}, field="columns", code="two_keys")
    if not mapping.key(Source.SURVEY):
        raise DomainError(_("回答ファイルの職員番号の列を「職員番号」にしてください（職員属性マスタとの突合と仮名IDに使います）。"),
                          field="columns", code="no_key")
    if has_master and not mapping.key(Source.MASTER):
        raise DomainError(_("職員属性マスタの職員番号の列を「職員番号」にしてください。"), field="columns", code="no_key")


@dataclass
class Confirmed:
    """The outcome of confirming a mapping: the report, and the upload (ready when the report is ok)."""

    report: ValidationReport
    upload: SurveyUpload

    @property
    def ready(self) -> bool:
        return self.report.ok


def survey_mapping_confirm(*, upload: SurveyUpload, actor, mapping: Mapping, request=None) -> Confirmed:
    """HR confirms the roles; the mapping is saved with the contract (and carried to next year's copy),
    then the file is validated. A refused file stays kept, encrypted, under the mapping HR tried, until its
    retention ends: many refusals are a setting (a column marked 必須 that the form let respondents skip),
    which HR changes on the mapping without uploading both files again; a corrected file replaces it."""
    permissions.may_work_on(actor, upload).require()
    check_mapping(mapping, has_master=upload.has_master)
    loaded_before = load(upload)
    report = validate(loaded_before.table, mapping, loaded_before.master)
    with transaction.atomic():
        locked = SurveyUpload.objects.select_for_update(of=("self",)).select_related("contract").get(pk=upload.pk)
        permissions.may_work_on(actor, locked).require()
        now = timezone.now()
        SurveyMapping.objects.update_or_create(contract=locked.contract, defaults={
            "mapping": headers_that_passed(mapping).to_json(), "updated_at": now, "updated_by": actor})
        audit_log(action="engagement.mapping.saved", actor=actor, contract=locked.contract, obj=locked,
                  request=request, payload={"columns": len(mapping.columns), "roles": _role_counts(mapping)})
        audit_log(action="engagement.upload.validated", actor=actor, contract=locked.contract, obj=locked,
                  request=request, payload={**_validation_summary(report), "kept": True})
        if not report.ok:
            locked.mapping_sealed = sealed(mapping, survey_blob=locked.survey_blob)
            locked.validation = _validation_summary(report)
            locked.state = SurveyUpload.State.MAPPING
            locked.revision += 1
            locked.save(update_fields=["mapping_sealed", "validation", "state", "revision"])
            return Confirmed(report=report, upload=locked)
        locked.mapping_sealed = sealed(mapping, survey_blob=locked.survey_blob)
        locked.mapping_confirmed_at = now
        locked.validation = _validation_summary(report)
        locked.state = SurveyUpload.State.READY
        locked.quasi = None
        locked.plan = []
        locked.suppress = False
        locked.dropped_columns = []
        locked.not_identifying = {}
        locked.unmasked = []
        locked.free_text_reviewed_at = None
        locked.revision += 1
        locked.save(update_fields=["mapping_sealed", "mapping_confirmed_at", "validation", "state", "quasi", "plan",
                                   "suppress", "dropped_columns", "not_identifying", "unmasked",
                                   "free_text_reviewed_at", "revision"])
    return Confirmed(report=report, upload=locked)


def mapping_carry_over(*, source, copy) -> bool:
    """Next year's copy starts from this year's mapping (through contracts.carry_over, inside
    contracts.services.contract_copy_to_next_year's transaction; that copy writes the one audit entry): only its headers that pass as headers."""
    saved = SurveyMapping.objects.filter(contract=source).first()
    if saved is None:
        return False
    try:
        mapping = headers_that_passed(Mapping.from_json(saved.mapping))
    except DomainError:
        return False
    SurveyMapping.objects.update_or_create(contract=copy, defaults={
        "mapping": mapping.to_json(), "updated_at": timezone.now(), "updated_by": saved.updated_by})
    return True


def next_year_carry(*, source, copy, actor, carry_plan: bool) -> dict:
    """``contracts.carry_over``: the survey's column mapping goes to next year's copy (nothing for the copy's
    audit entry to say)."""
    mapping_carry_over(source=source, copy=copy)
    return {}
