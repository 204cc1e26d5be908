"""The survey export as HR does it on the pages: upload, map, validate, treat the risk, review free text,
build, print the notice, download. Every write is here (the engine in reading, mapping, validation,
dataset, risk, package and notice does the work; engagement.services registers the disc and the notice).

Seed 資料2-1 ③: HR compiles the answers with the staff attributes and writes them, password-encrypted,
to a CD-R (データ取りまとめ及びCD-R等で送付). The file is kept encrypted while HR works on it
(engagement.crypto) and purged when the package is built (engagement.storage). A file that cannot be read
keeps nothing; a file validation refuses stays kept (encrypted) for HR to change the mapping or replace it
(the audit entry says it was refused). Audit payloads hold counts, codes and the package's SHA-256, never a value from
the file, nor the password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError
from core.spreadsheet import XLSX_CONTENT_TYPE
from handover.models import Handover, Item, MediumKind

from . import crypto, permissions, risk, storage
from .dataset import Dataset, build_dataset
from .mapping import Mapping, Role, Source, guess_answer_rules, guess_mapping, swap_offered
from .models import SurveyLinkKey, SurveyMapping, SurveyPackage, SurveyPackageDownload, SurveyUpload
from .notice import notice_pdf
from .package import Finding, Package, build_package, find_personal_data, mask, new_link_key
from .reading import SurveyFileError, Table, read_table, value_like_columns
from .services import default_notice_label, survey_notice_printed, survey_package_register
from .validation import ValidationReport, validate

MAX_K = 100
DEFAULT_MAX_SUPPRESSION_PERCENT = round(100 * risk.DEFAULT_MAX_SUPPRESSION)
MAX_SUPPRESSION_PERCENT = 50
# How far back through the copies of a contract a saved mapping or a link key is looked for.
LINEAGE_DEPTH = 20


# --- reading what HR uploaded ---------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file as the request holds it: its name and its bytes, in memory."""

    name: str
    data: bytes = field(repr=False)


def read_files(survey: UploadedFile, master: UploadedFile | None) -> tuple[Table, Table | None]:
    """Both files as tables; :class:`SurveyFileError` at the field of the file that cannot be read."""
    table = read_table(survey.data, survey.name)
    master_table = None
    if master is not None:
        try:
            master_table = read_table(master.data, master.name)
        except SurveyFileError as error:
            raise SurveyFileError(error.message, code=error.code, field="master") from None
    return table, master_table


@dataclass
class Loaded:
    """An upload read back from its encrypted files, under its mapping."""

    upload: SurveyUpload
    table: Table
    master: Table | None
    mapping: Mapping
    report: ValidationReport
    dataset: Dataset | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def swap_offered(self) -> bool:
        """Whether the survey and the master look given in each other's slot (:func:`mapping.swap_offered`)."""
        return self.master is not None and swap_offered(self.mapping, self.table.headers, self.master.headers)

    @property
    def masked(self) -> Dataset:
        """The records as they will leave: free-text findings masked, except those HR left."""
        keep = set(self.upload.unmasked or ())
        chosen = [f for f in self.findings if finding_key(self.dataset, f) not in keep]
        return mask(self.dataset, chosen) if chosen else self.dataset


def load(upload: SurveyUpload) -> Loaded:
    survey = crypto.load(upload.survey_blob, purpose=crypto.UPLOAD)
    table = read_table(survey, upload.survey_name, stored=True)
    master = None
    if upload.master_blob:
        master = read_table(crypto.load(upload.master_blob, purpose=crypto.MASTER), upload.master_name, stored=True)
    mapping = upload_mapping(upload)
    report = validate(table, mapping, master)
    loaded = Loaded(upload=upload, table=table, master=master, mapping=mapping, report=report)
    if report.ok:
        loaded.dataset = build_dataset(table, mapping, master, report)
        loaded.findings = find_personal_data(loaded.dataset)
    return loaded


def upload_mapping(upload: SurveyUpload) -> Mapping:
    """The upload's column mapping, unsealed. Its headers are the file's first row, a respondent's values
    when a file without its header row got past the check, so they are kept sealed like the file itself
    (under DATA_KEY, bound to the survey file's name) and go when the upload is purged."""
    if not upload.mapping_sealed or not upload.survey_blob:
        raise crypto.StoredDataError(_("保存したデータはすでに削除されています。"), code="purged")
    plain = crypto.decrypt(bytes(upload.mapping_sealed), purpose=crypto.MAPPING, name=upload.survey_blob)
    return Mapping.from_json(json.loads(plain))


def _sealed(mapping: Mapping, *, survey_blob: str) -> bytes:
    plain = json.dumps(mapping.to_json(), ensure_ascii=False).encode("utf-8")
    return crypto.encrypt(plain, purpose=crypto.MAPPING, name=survey_blob)


def headers_that_passed(mapping: Mapping) -> Mapping:
    """The mapping without the columns of a file whose headers would not pass as a header row
    (reading.value_like_columns): a row of values has no header in it, not even the cells that look like
    words (a name, an answer). What a mapping kept with the contract, and carried to next year's, may hold."""
    refused = {source for source in Source
               if value_like_columns([spec.header for spec in mapping.columns if spec.source == source])}
    return Mapping(tuple(spec for spec in mapping.columns if spec.source not in refused))


def finding_key(dataset: Dataset, finding: Finding) -> str:
    """Where a finding is (record, column, characters), never what: safe to keep in the upload's row."""
    column = [c.header for c in dataset.columns].index(finding.column)
    return f"{finding.record}:{column}:{finding.start}:{finding.end}"


def _lineage(contract, depth: int = LINEAGE_DEPTH):
    seen = 0
    while contract is not None and seen < depth:
        yield contract
        contract = contract.previous
        seen += 1


def saved_mapping(contract) -> Mapping | None:
    """The mapping saved with this contract, else with the nearest earlier year's."""
    for each in _lineage(contract):
        saved = SurveyMapping.objects.filter(contract=each).first()
        if saved is not None:
            try:
                return Mapping.from_json(saved.mapping)
            except DomainError:
                return None
    return None


def initial_mapping(contract, table: Table, master: Table | None) -> Mapping:
    """Last mapping carried to these headers (same header, same role), new headers guessed; then the
    answer scales and the required flags guessed from the data where nothing says them yet."""
    master_headers = master.headers if master is not None else ()
    saved = saved_mapping(contract)
    mapping = saved.carried_to(table.headers, master_headers) if saved else guess_mapping(table.headers,
                                                                                          master_headers)
    return guess_answer_rules(mapping, table)


# --- upload ---------------------------------------------------------------------------------------


def _live_uploads(contract):
    return SurveyUpload.objects.filter(contract=contract, purged_at__isnull=True,
                                       state__in=[SurveyUpload.State.MAPPING, SurveyUpload.State.READY])


def survey_upload(*, contract, actor, survey: UploadedFile, master: UploadedFile | None = None,
                  request=None) -> SurveyUpload:
    """Keep an uploaded export (and master), encrypted, for HR to map: seed 資料2-1 ③.

    Read first, in memory: a file that is not a readable CSV/XLSX (a PNG renamed .csv, a zip bomb, an
    entity bomb, over the size limit) raises :class:`SurveyFileError` and nothing is written, not even
    an audit entry. An earlier upload still being worked on is purged (one upload at a time).
    """
    permissions.may_work(actor, contract).require()
    table, master_table = read_files(survey, master)
    mapping = initial_mapping(contract, table, master_table)
    names = [crypto.store(survey.data, purpose=crypto.UPLOAD)]
    if master is not None:
        names.append(crypto.store(master.data, purpose=crypto.MASTER))
    try:
        with transaction.atomic():
            contract = type(contract).objects.select_for_update(no_key=True).get(pk=contract.pk)
            permissions.may_work(actor, contract).require()
            replaced = 0
            for old in _live_uploads(contract).select_for_update():
                storage.clear_upload(old, state=SurveyUpload.State.PURGED, reason=SurveyUpload.PurgeReason.REPLACED,
                                      now=timezone.now())
                replaced += 1
            now = timezone.now()
            upload = SurveyUpload.objects.create(
                contract=contract, state=SurveyUpload.State.MAPPING,
                survey_blob=names[0], survey_name=survey.name[:200], survey_format=table.format_label[:40],
                survey_size=len(survey.data), survey_rows=len(table.rows), survey_columns=len(table.headers),
                master_blob=names[1] if master is not None else "",
                master_name=master.name[:200] if master is not None else "",
                master_format=master_table.format_label[:40] if master_table is not None else "",
                master_size=len(master.data) if master is not None else 0,
                master_rows=len(master_table.rows) if master_table is not None else None,
                master_columns=len(master_table.headers) if master_table is not None else None,
                mapping_sealed=_sealed(mapping, survey_blob=names[0]), uploaded_at=now, uploaded_by=actor,
                expires_at=now + storage.retention(),
            )
            audit_log(action="engagement.upload.received", actor=actor, contract=contract, obj=upload,
                      request=request, payload={
                          "rows": upload.survey_rows, "columns": upload.survey_columns, "format": table.source_format,
                          "master_rows": upload.master_rows, "master_columns": upload.master_columns,
                          "replaced": replaced, "retention_days": storage.retention().days})
    except BaseException:
        for name in names:
            crypto.remove(name)
        raise
    return upload


def survey_upload_swap(*, upload: SurveyUpload, actor, request=None) -> SurveyUpload:
    """The survey and the master put back in their slots, when HR gave each in the other's: the files stay
    kept (encrypted again under their own purposes), the roles are guessed again for the files as they now
    stand, and any validation of the old order is forgotten. Nothing is uploaded again. Only files that look
    swapped (:func:`mapping.swap_offered`, the rule by which the mapping page offers the button) are."""
    permissions.may_work_on(actor, upload).require()
    if not upload.has_master:
        raise DomainError(_("職員属性マスタがないため、入れ替えられません。"), code="no_master")
    survey_data = crypto.load(upload.master_blob, purpose=crypto.MASTER)
    master_data = crypto.load(upload.survey_blob, purpose=crypto.UPLOAD)
    survey = UploadedFile(name=upload.master_name, data=survey_data)
    master = UploadedFile(name=upload.survey_name, data=master_data)
    table, master_table = read_files(survey, master)
    # The rule as the page saw it: the upload's survey file (now ``master_table``) under its mapping.
    if not swap_offered(upload_mapping(upload), master_table.headers, table.headers):
        raise DomainError(_(
            "回答ファイルと職員属性マスタは入れ替わっていないようなので、入れ替えません。入れ替えられるのは、回答ファイルの欄の"
            "ファイルに回答らしい列がなく、職員属性マスタの欄のファイルにあるときです。"), code="not_swapped")
    mapping = initial_mapping(upload.contract, table, master_table)
    names = [crypto.store(survey.data, purpose=crypto.UPLOAD), crypto.store(master.data, purpose=crypto.MASTER)]
    try:
        with transaction.atomic():
            locked = SurveyUpload.objects.select_for_update(of=("self",)).select_related("contract").get(pk=upload.pk)
            permissions.may_work_on(actor, locked).require()
            old = [locked.survey_blob, locked.master_blob]
            locked.survey_blob, locked.master_blob = names
            locked.survey_name, locked.master_name = survey.name[:200], master.name[:200]
            locked.survey_format, locked.master_format = table.format_label[:40], master_table.format_label[:40]
            locked.survey_size, locked.master_size = len(survey.data), len(master.data)
            locked.survey_rows, locked.master_rows = len(table.rows), len(master_table.rows)
            locked.survey_columns, locked.master_columns = len(table.headers), len(master_table.headers)
            locked.mapping_sealed = _sealed(mapping, survey_blob=names[0])
            locked.mapping_confirmed_at = None
            locked.validation = {}
            locked.state = SurveyUpload.State.MAPPING
            locked.revision += 1
            locked.save(update_fields=[
                "survey_blob", "master_blob", "survey_name", "master_name", "survey_format", "master_format",
                "survey_size", "master_size", "survey_rows", "master_rows", "survey_columns", "master_columns",
                "mapping_sealed", "mapping_confirmed_at", "validation", "state", "revision"])
            audit_log(action="engagement.upload.swapped", actor=actor, contract=locked.contract, obj=locked,
                      request=request, payload={"rows": locked.survey_rows, "columns": locked.survey_columns,
                                                "master_rows": locked.master_rows,
                                                "master_columns": locked.master_columns})
            storage.remove_after_commit(old)
    except BaseException:
        for name in names:
            crypto.remove(name)
        raise
    return locked


# --- mapping and validation -----------------------------------------------------------------------


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
            locked.mapping_sealed = _sealed(mapping, survey_blob=locked.survey_blob)
            locked.validation = _validation_summary(report)
            locked.state = SurveyUpload.State.MAPPING
            locked.revision += 1
            locked.save(update_fields=["mapping_sealed", "validation", "state", "revision"])
            return Confirmed(report=report, upload=locked)
        locked.mapping_sealed = _sealed(mapping, survey_blob=locked.survey_blob)
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


# --- the risk treatment and the free text -------------------------------------------------------


@dataclass(frozen=True)
class RiskSettings:
    """HR's settings for k. ``quasi`` holds every attribute column that goes into the package except those
    kept as not identifying (``not_identifying``, header → HR's reason); ``dropped`` are left out of the
    package. ``max_suppression`` is the suppression limit in percent of the records (above
    :data:`DEFAULT_MAX_SUPPRESSION_PERCENT` only with ``suppression_reason``)."""

    quasi: list[str]
    k: int
    plan: list[risk.Generalisation]
    suppress: bool = True
    department_map: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    not_identifying: dict[str, str] = field(default_factory=dict)
    max_suppression: int = 5
    suppression_reason: str = ""

    @property
    def suppression_share(self) -> float:
        return self.max_suppression / 100


def attribute_headers(upload: SurveyUpload) -> list[str]:
    """The columns that may be quasi-identifiers: the attributes as they leave (from the mapping)."""
    mapping = upload_mapping(upload)
    return [spec.header for spec in mapping.output_columns if spec.role == Role.ATTRIBUTE]


def risk_settings(upload: SurveyUpload) -> RiskSettings:
    """The settings saved on the upload; by default every attribute, k=5, nothing generalised.

    Every attribute column the package holds counts for k except one HR kept as not identifying with a
    reason: an upload saved before that rule, with a column simply left out of ``quasi``, counts it again."""
    attributes = attribute_headers(upload)
    dropped = [h for h in attributes if h in set(upload.dropped_columns or ())]
    not_identifying = {h: str(reason) for h, reason in (upload.not_identifying or {}).items()
                       if h in attributes and h not in dropped and str(reason).strip()}
    quasi = [h for h in attributes if h not in dropped and h not in not_identifying]
    plan = []
    for item in upload.plan or ():
        try:
            g = risk.Generalisation.from_json(item)
        except DomainError:
            continue
        if g.column in quasi:
            plan.append(g)
    return RiskSettings(quasi=quasi, k=upload.k or risk.DEFAULT_K, plan=plan, suppress=upload.suppress,
                        department_map=dict(upload.department_map or {}), dropped=dropped,
                        not_identifying=not_identifying, max_suppression=upload.max_suppression,
                        suppression_reason=upload.suppression_reason)


def check_risk_settings(settings: RiskSettings, attributes: list[str]) -> None:
    """Every attribute column counts for k, is dropped from the package, or is kept as not identifying with
    a reason (issue 14 A.1); suppression beyond 5% of the records needs a reason (A.2)."""
    if not 2 <= settings.k <= MAX_K:
        raise DomainError(_("kは2以上%(max)s以下にしてください。") % {"max": MAX_K}, field="k")
    named = [*settings.quasi, *settings.dropped, *settings.not_identifying]
    unknown = [h for h in named if h not in attributes]
    if unknown:
        raise DomainError(_("準識別子「%(header)s」は属性の列にありません。") % {"header": unknown[0]}, field="quasi")
    for header in attributes:
        times = named.count(header)
        if times != 1:
            raise DomainError(
                _("「%(header)s」をkに含めるか、パッケージから外すか、識別に使えない列として理由を書くか、どれか一つにしてください。")
                % {"header": header}, field="quasi", code="k_columns")
    for header, reason in settings.not_identifying.items():
        if not (reason or "").strip():
            raise DomainError(_("「%(header)s」を識別に使えない列とする理由を書いてください。") % {"header": header},
                              field="quasi", code="k_columns")
    if not 0 <= settings.max_suppression <= MAX_SUPPRESSION_PERCENT:
        raise DomainError(_("秘匿の上限は0〜%(max)s%%にしてください。") % {"max": MAX_SUPPRESSION_PERCENT},
                          field="max_suppression")
    if settings.max_suppression > DEFAULT_MAX_SUPPRESSION_PERCENT and not settings.suppression_reason.strip():
        raise DomainError(_("秘匿の上限を%(default)s%%より上げるときは、理由を書いてください。")
                          % {"default": DEFAULT_MAX_SUPPRESSION_PERCENT}, field="suppression_reason")


def survey_risk_set(*, upload: SurveyUpload, actor, settings: RiskSettings, source: str = "custom",
                    request=None) -> SurveyUpload:
    """Save the quasi-identifiers, k, the columns taken out of k (dropped, or kept as not identifying with a
    reason), the generalisations HR accepted or adjusted and the suppression limit."""
    if not 2 <= settings.k <= MAX_K:
        raise DomainError(_("kは2以上%(max)s以下にしてください。") % {"max": MAX_K}, field="k")
    with transaction.atomic():
        locked = SurveyUpload.objects.select_for_update(of=("self",)).select_related("contract").get(pk=upload.pk)
        permissions.may_build(actor, locked).require()
        check_risk_settings(settings, attribute_headers(locked))
        plan = [g for g in settings.plan if g.column in settings.quasi and not g.is_identity]
        locked.quasi = list(settings.quasi)
        locked.k = settings.k
        locked.plan = [g.to_json() for g in plan]
        locked.suppress = settings.suppress
        locked.department_map = dict(settings.department_map)
        locked.dropped_columns = list(settings.dropped)
        locked.not_identifying = {h: r.strip() for h, r in settings.not_identifying.items()}
        locked.max_suppression = settings.max_suppression
        locked.suppression_reason = settings.suppression_reason.strip()
        locked.revision += 1
        locked.save(update_fields=["quasi", "k", "plan", "suppress", "department_map", "dropped_columns",
                                   "not_identifying", "max_suppression", "suppression_reason", "revision"])
        audit_log(action="engagement.risk.planned", actor=actor, contract=locked.contract, obj=locked,
                  request=request, payload={"k": settings.k, "quasi": len(settings.quasi),
                                            "generalisations": len(plan), "suppress": settings.suppress,
                                            "departments_mapped": len(settings.department_map), "source": source,
                                            "dropped": len(settings.dropped),
                                            "not_identifying": len(settings.not_identifying),
                                            "suppression_limit_percent": settings.max_suppression,
                                            "suppression_limit_raised": bool(settings.suppression_reason.strip())})
    return locked


def survey_free_text_review(*, upload: SurveyUpload, actor, unmasked: list[str], findings: int,
                            request=None) -> SurveyUpload:
    """Record which of the findings in free text HR leaves as they are; every other one is masked (■)."""
    with transaction.atomic():
        locked = SurveyUpload.objects.select_for_update(of=("self",)).select_related("contract").get(pk=upload.pk)
        permissions.may_build(actor, locked).require()
        locked.unmasked = sorted(set(unmasked))
        locked.free_text_reviewed_at = timezone.now()
        locked.revision += 1
        locked.save(update_fields=["unmasked", "free_text_reviewed_at", "revision"])
        audit_log(action="engagement.free_text.reviewed", actor=actor, contract=locked.contract, obj=locked,
                  request=request, payload={"findings": findings, "masked": findings - len(locked.unmasked)})
    return locked


def outgoing(loaded: Loaded, settings: RiskSettings) -> Dataset:
    """The records exactly as they will be written: free text masked, the columns HR dropped left out."""
    return loaded.masked.without(settings.dropped)


def protection_for(loaded: Loaded, settings: RiskSettings | None = None) -> risk.Protection:
    """Generalisation and suppression of the records that will be written; its report is the k every page
    shows, with the columns kept as not identifying named beside it."""
    settings = settings or risk_settings(loaded.upload)
    return risk.protect(outgoing(loaded, settings).values, settings.quasi, settings.plan, settings.k,
                        department_map=settings.department_map or None, suppress=settings.suppress,
                        count_suppression=True, max_suppression=settings.suppression_share,
                        not_identifying=settings.not_identifying)


# --- building -------------------------------------------------------------------------------------


def next_medium_label(contract) -> str:
    used = set(Item.objects.filter(contract=contract).values_list("label", flat=True))
    number = 1
    while f"CD-{contract.fiscal_year}-{number:03d}" in used:
        number += 1
    return f"CD-{contract.fiscal_year}-{number:03d}"


def _link_key(contract, actor, request=None) -> bytes:
    """The ward-side key of pseudonyms linkable across years: this contract's, or an earlier year's; made
    once, kept encrypted under DATA_KEY, never written into a package."""
    for each in _lineage(contract):
        found = SurveyLinkKey.objects.filter(contract=each).first()
        if found is not None:
            return crypto.decrypt(bytes(found.sealed), purpose=crypto.LINK_KEY, name=found.name)
    with transaction.atomic():
        key = new_link_key()
        name = crypto.new_name()
        SurveyLinkKey.objects.create(contract=contract, name=name,
                                     sealed=crypto.encrypt(key, purpose=crypto.LINK_KEY, name=name),
                                     created_at=timezone.now(), created_by=actor)
        audit_log(action="engagement.pseudonyms.linkable", actor=actor, contract=contract, request=request,
                  payload={"scheme": "linkable"})
    return key


@dataclass
class Built:
    package: SurveyPackage
    built: Package = field(repr=False)

    @property
    def password(self) -> str:
        return self.built.password


def survey_build(*, upload: SurveyUpload, actor, medium_label: str, notice_label: str = "",
                 medium_kind: MediumKind | None = None, linkable: bool = False, below_k_reason: str = "",
                 request=None) -> Built:
    """Build the encrypted package, register the disc and its password notice in the ledger as prepared
    items, keep the encrypted file (encrypted again at rest) for HR's download, and purge the upload.

    Refused below k unless HR records a reason (the package's 作成情報 sheet states it). The password is
    returned once, for the page, and never stored.
    """
    contract = upload.contract
    permissions.may_build(actor, upload).require()
    medium_label = (medium_label or "").strip()
    if not medium_label:
        raise DomainError(_("記録媒体の管理番号を入力してください。"), field="medium_label")
    notice_label = (notice_label or "").strip() or default_notice_label(medium_label)
    taken = set(Item.objects.filter(contract=contract, label__in=[medium_label, notice_label])
                .values_list("label", flat=True))
    if medium_label in taken:
        raise DomainError(_("管理番号「%(label)s」はこの契約ですでに使われています。") % {"label": medium_label},
                          field="medium_label")
    if notice_label in taken:
        raise DomainError(_("管理番号「%(label)s」はこの契約ですでに使われています。") % {"label": notice_label},
                          field="notice_label")
    revision = upload.revision
    loaded = load(upload)
    if not loaded.report.ok:
        raise DomainError(_("検証でエラーがあるため、パッケージを作れません。"), code="not_validated")
    settings = risk_settings(upload)
    dataset = outgoing(loaded, settings)
    protection = protection_for(loaded, settings)
    link_key = _link_key(contract, actor, request) if linkable else None
    built = build_package(dataset, protection, contract_title=contract.title, fiscal_year=contract.fiscal_year,
                          contractor=str(contract.contractor) if contract.contractor_id else "", link_key=link_key,
                          below_k_reason=below_k_reason, filename_stem=_file_stem(contract),
                          dropped=settings.dropped, suppression_reason=settings.suppression_reason)
    del link_key
    name = crypto.store(built.content, purpose=crypto.PACKAGE)
    try:
        with transaction.atomic():
            locked = SurveyUpload.objects.select_for_update(of=("self",)).select_related("contract").get(pk=upload.pk)
            permissions.may_build(actor, locked).require()
            if locked.revision != revision:
                raise DomainError(_("作成中に設定が変わりました。内容を確かめて、もう一度作成してください。"), code="stale")
            medium, notice = survey_package_register(contract=locked.contract, actor=actor, built=built,
                                                     medium_label=medium_label, notice_label=notice_label,
                                                     medium_kind=medium_kind, request=request)
            package = SurveyPackage.objects.create(
                contract=locked.contract, medium=medium, notice=notice, file_name=built.filename, sha256=built.sha256,
                size=built.size, rows=built.rows, columns=built.columns, k=built.k, k_reached=built.k_reached,
                quasi=list(built.quasi), generalisations=list(built.generalisations),
                suppressed_cells=built.suppressed_cells, suppressed_records=built.suppressed_records,
                masked_cells=built.masked_cells, pseudonym_scheme=built.pseudonym_scheme,
                below_k_reason=built.below_k_reason[:300], built_at=built.created_at, built_by=actor, blob=name,
                not_identifying=[{"column": c, "reason": r} for c, r in built.not_identifying],
                dropped_columns=list(built.dropped), max_suppression=round(100 * built.max_suppression),
                suppression_reason=built.suppression_reason[:300],
            )
            storage.upload_purge(upload=locked, reason=SurveyUpload.PurgeReason.BUILT, actor=actor, request=request)
    except BaseException:
        crypto.remove(name)
        raise
    return Built(package=package, built=built)


def _file_stem(contract) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in contract.slug) or "survey"


def _package_for_notice(package: SurveyPackage, password: str) -> Package:
    return Package(
        filename=package.file_name, content=b"", sha256=package.sha256, password=password, rows=package.rows,
        columns=package.columns, k=package.k, k_reached=package.k_reached, quasi=tuple(package.quasi),
        generalisations=tuple(package.generalisations), suppressed_cells=package.suppressed_cells,
        suppressed_records=package.suppressed_records, masked_cells=package.masked_cells,
        pseudonym_scheme=package.pseudonym_scheme, below_k_reason=package.below_k_reason, created_at=package.built_at,
        not_identifying=tuple((item["column"], item["reason"]) for item in package.not_identifying or ()),
        dropped=tuple(package.dropped_columns or ()))


def _stored_package(package: SurveyPackage) -> bytes:
    content = crypto.load(package.blob, purpose=crypto.PACKAGE)
    if hashlib.sha256(content).hexdigest() != package.sha256:
        raise crypto.StoredDataError(_("保存した暗号化ファイルのSHA-256が作成時と違います。パッケージを作り直してください。"),
                                     code="sha256")
    return content


def password_opens(content: bytes, password: str) -> bool:
    import msoffcrypto
    from msoffcrypto.exceptions import InvalidKeyError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(content))
        office.load_key(password=password, verify_password=True)
    except (InvalidKeyError, ValueError, AssertionError):
        return False
    return True


def notice_handed_over_on(notice: Item) -> dt.date | None:
    """The day the ledger says the notice was first handed over (交付日), None while it has not been."""
    handed_at = (Handover.objects.filter(lines__item=notice, direction=Handover.Direction.DELIVERY)
                 .exclude(status=Handover.Status.CANCELLED).order_by("handed_at")
                 .values_list("handed_at", flat=True).first())
    return timezone.localdate(handed_at) if handed_at else None


@transaction.atomic
def survey_notice_print(*, package: SurveyPackage, actor, password: str, request=None) -> tuple[str, str, bytes]:
    """Make the password notice (A4 PDF) once, for the person printing it: seed 別紙, the password
    notice travels separately from the disc. The app keeps only that it was printed, by whom and when;
    a second print is refused (a lost notice means a new package)."""
    package = SurveyPackage.objects.select_for_update(of=("self",)).select_related("contract", "medium", "notice").get(
        pk=package.pk)
    permissions.may_print_notice(actor, package).require(field="password")
    password = "".join((password or "").split()).upper()
    if not password_opens(_stored_package(package), password):
        raise DomainError(_("パスワードが暗号化ファイルと合いません。作成した画面に表示されたパスワードから印刷してください。"),
                          field="password", code="wrong_password")
    document = notice_pdf(contract=package.contract, package=_package_for_notice(package, password),
                          medium_label=package.medium.label, notice_label=package.notice.label,
                          handed_over_on=notice_handed_over_on(package.notice))
    survey_notice_printed(contract=package.contract, actor=actor, notice=package.notice, request=request)
    package.notice_printed_at = timezone.now()
    package.notice_printed_by = actor
    package.save(update_fields=["notice_printed_at", "notice_printed_by"])
    return document


@transaction.atomic
def survey_package_download(*, package: SurveyPackage, actor, request=None) -> tuple[str, str, bytes]:
    """The encrypted file, to burn the disc: HR only, only until the disc is handed over; each download
    audited with its SHA-256 (a personal-data download in the auditors' view)."""
    package = SurveyPackage.objects.select_for_update(of=("self",)).select_related("contract", "medium").get(pk=package.pk)
    permissions.may_download(actor, package).require()
    content = _stored_package(package)
    SurveyPackageDownload.objects.create(package=package, downloaded_at=timezone.now(), downloaded_by=actor,
                                         sha256=package.sha256)
    audit_log(action="engagement.package.downloaded", actor=actor, contract=package.contract, obj=package,
              request=request, payload={"file_name": package.file_name, "sha256": package.sha256,
                                        "rows": package.rows, "medium": package.medium.label})
    return package.file_name, XLSX_CONTENT_TYPE, content


def survey_upload_discard(*, upload: SurveyUpload, actor, request=None) -> SurveyUpload:
    """HR stops working on an upload: its data is purged now."""
    permissions.may_work(actor, upload.contract).require()
    if upload.purged_at is not None:
        raise DomainError(_("このアップロードのデータはすでに削除しています。"), code="purged")
    return storage.upload_purge(upload=upload, reason=SurveyUpload.PurgeReason.DISCARDED, actor=actor,
                                request=request)

