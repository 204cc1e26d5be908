"""An upload: reading what HR gives (in memory, nothing kept from a file that cannot be read), keeping it
encrypted for HR to map (engagement.crypto), reading it back, swapping the survey and the master, and
discarding it. Seed 資料2-1 ③: HR compiles the answers with the staff attributes (データ取りまとめ). Audit
payloads hold counts and codes, never a value from the file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError

from .. import crypto, permissions
from ..dataset import Dataset, build_dataset
from ..mapping import Mapping, guess_answer_rules, guess_mapping, swap_offered
from ..models import SurveyMapping, SurveyUpload
from ..package import Finding, find_personal_data, mask
from ..reading import SurveyFileError, Table, read_table
from ..validation import ValidationReport, validate
from . import storage
from ._common import lineage, sealed


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


def finding_key(dataset: Dataset, finding: Finding) -> str:
    """Where a finding is (record, column, characters), never what: safe to keep in the upload's row."""
    column = [c.header for c in dataset.columns].index(finding.column)
    return f"{finding.record}:{column}:{finding.start}:{finding.end}"


def saved_mapping(contract) -> Mapping | None:
    """The mapping saved with this contract, else with the nearest earlier year's."""
    for each in lineage(contract):
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
                mapping_sealed=sealed(mapping, survey_blob=names[0]), uploaded_at=now, uploaded_by=actor,
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
            locked.mapping_sealed = sealed(mapping, survey_blob=names[0])
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


def survey_upload_discard(*, upload: SurveyUpload, actor, request=None) -> SurveyUpload:
    """HR stops working on an upload: its data is purged now."""
    permissions.may_work(actor, upload.contract).require()
    if upload.purged_at is not None:
        raise DomainError(_("このアップロードのデータはすでに削除しています。"), code="purged")
    return storage.upload_purge(upload=upload, reason=SurveyUpload.PurgeReason.DISCARDED, actor=actor,
                                request=request)
