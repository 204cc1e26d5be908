"""Building the package and what follows: the encrypted file on a disc registered with its password notice in
the handover ledger, the notice printed once, the file downloaded to burn the disc.

Seed 資料2-1 ③: HR writes the answers password-encrypted to a CD-R/DVD-R and hands the disc over by hand
(データ取りまとめ及びCD-R等で送付). Registering the disc and its password notice as prepared items puts them
under the handover rules from then on: the separation rule (別紙: 電磁的媒体とパスワード通知書の受渡しは、それぞれ別の
機会を設定し…), the ledger, returns. Audit payloads carry figures and the SHA-256 of the encrypted file only,
never a value from the file and never the password."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError
from core.spreadsheet import XLSX_CONTENT_TYPE
from handover.models import Handover, Item, MediumKind
from handover.services import item_register

from .. import crypto, permissions
from ..models import SurveyLinkKey, SurveyPackage, SurveyPackageDownload, SurveyUpload
from ..notice import notice_pdf
from ..package import Package, build_package, new_link_key
from . import storage
from ._common import lineage
from .risk import outgoing, protection_for, risk_settings
from .upload import load

DEFAULT_MEDIUM_KIND = "CD-R"


def default_notice_label(medium_label: str) -> str:
    """PN-CD-2026-001 for the disc CD-2026-001: the notice's own number, visibly its partner's."""
    return f"PN-{medium_label.strip()}"[:50]


def package_contents(built: Package) -> str:
    """What the ledger says the disc holds (no personal data: the words and the figures)."""
    text = _("職員エンゲージメント調査 回答データ（仮名化・暗号化、k=%(k)s）") % {"k": built.k_reached}
    if built.not_identifying:
        # The k of the ledger names the columns kept out of it too (their reasons are in the package).
        text += _("（kの計算から除いた列: %(columns)s）") % {"columns": "・".join(c for c, _r in built.not_identifying)}
    return text[:300]


@transaction.atomic
def survey_package_register(
    *,
    contract,
    actor,
    built: Package,
    medium_label: str,
    notice_label: str = "",
    medium_kind: MediumKind | None = None,
    request=None,
) -> tuple[Item, Item]:
    """Register the disc holding ``built`` and its password notice (opening that disc) as prepared
    items, and write one audit entry for the build (rows, k, SHA-256).

    Permissions and labels are :func:`handover.services.item_register`'s: only HR of the contract,
    a label unused in the contract, the contract not closed. Both items or neither.
    """
    if medium_kind is None:
        medium_kind = (MediumKind.objects.filter(name=DEFAULT_MEDIUM_KIND).first()
                       or MediumKind.objects.order_by("sort_order", "name").first())
        if medium_kind is None:
            raise DomainError(_("記録媒体の種類が登録されていません。管理画面で「CD-R」等を登録してください。"),
                              field="medium_kind")
    medium = item_register(
        contract=contract, actor=actor, category=Item.Category.MEDIUM, medium_kind=medium_kind,
        label=medium_label, contents=package_contents(built), record_count=built.rows, file_name=built.filename,
        sha256=built.sha256, request=request,
    )
    notice = item_register(
        contract=contract, actor=actor, category=Item.Category.NOTICE,
        label=notice_label.strip() or default_notice_label(medium_label),
        contents=_("パスワード通知書（%(file)s）") % {"file": built.filename}, opens=medium, request=request,
    )
    audit_log(action="engagement.package.built", actor=actor, contract=contract, obj=medium, request=request,
              payload={**built.summary(), "medium": medium.label, "notice": notice.label})
    return medium, notice


def survey_notice_printed(*, contract, actor, notice: Item, request=None, actor_label: str | None = None) -> None:
    """Record that the password notice was printed (made and handed to the person who asked): the
    app keeps who and when, never the page nor the password."""
    if not notice.is_notice or notice.contract_id != contract.pk:
        raise DomainError(_("この契約のパスワード通知書ではありません。"))
    audit_log(action="engagement.notice.printed", actor=actor, contract=contract, obj=notice, request=request,
              actor_label=actor_label,
              payload={"notice": notice.label, "medium": notice.opens.label if notice.opens_id else ""})


def next_medium_label(contract) -> str:
    used = set(Item.objects.filter(contract=contract).values_list("label", flat=True))
    number = 1
    while f"CD-{contract.fiscal_year}-{number:03d}" in used:
        number += 1
    return f"CD-{contract.fiscal_year}-{number:03d}"


def _link_key(contract, actor, request=None) -> bytes:
    """The ward-side key of pseudonyms linkable across years: this contract's, or an earlier year's; made
    once, kept encrypted under DATA_KEY, never written into a package."""
    for each in lineage(contract):
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
