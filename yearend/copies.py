"""The copy register (複製等の記録): every copy of the contract's data the contractor makes, from the moment
it acknowledged the disc — on the analysis PC, an encrypted backup, another medium — when, by whom, why,
encrypted or not. The deletion report (:mod:`yearend.deletion`) must account for every line of it.

Seed, 別紙: 「業務履行後、…電子データは消去させる。また、区に電子データの消去を行ったことの報告書を提出させる。」
A copy nobody wrote down is a copy nobody deletes, so the register is what the deletion report is checked
against. Lines are never changed or removed: a copy made is a copy to account for.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log
from contracts import subcontracting
from contracts.models import Contract, Subcontractor
from contracts.permissions import people_who_can
from contracts.selectors import display_name
from core import bounds
from core.dates import wareki_datetime
from core.errors import DomainError
from core.spreadsheet import XLSX_CONTENT_TYPE, new_a4_workbook, workbook_bytes, write_table
from handover.models import Item, MediumKind

from .models import CopyRecord
from .permissions import may_register_copy
from .selectors import copy_sources, covered_copy_ids

CLOCK_TOLERANCE = dt.timedelta(minutes=5)
OTHER_MEDIUM_NEEDS_KIND = gettext_lazy("その他の媒体に複製したときは、媒体の種類（CD-R・USBメモリ等）を選んでください。"
                                       "一覧にない種類は、区に登録を依頼してください。")


def copies_of(contract: Contract):
    return (CopyRecord.objects.filter(contract=contract)
            .select_related("contract__contractor", "source__medium_kind", "medium_kind", "made_by__profile",
                            "recorded_by__profile", "subcontractor__organisation")
            .order_by("number"))


def copy_makers(contract: Contract):
    """Who may be named as having made a copy: the contract's approved designees in force, none of a subcontractor
    the ward has not approved."""
    return (subcontracting.receivers(contract, people_who_can(contract, "receive"))
            .select_related("profile").order_by("username"))


def copy_holders(contract: Contract):
    """The subcontractors a copy may be held by: those the ward approved for the contract."""
    return subcontracting.approved(contract).select_related("organisation").order_by("name")


def copy_holder(copy: CopyRecord) -> str:
    """Who holds the copy: 「株式会社A」 (the contractor), or 「株式会社A → 再委託先 株式会社B」."""
    contract = copy.contract
    if copy.subcontractor_id:
        sub = copy.subcontractor
        if sub.organisation_id:
            return subcontracting.chain(contract, sub.organisation)
        return _("%(contractor)s → 再委託先 %(subcontractor)s") % {"contractor": contract.contractor.name,
                                                                  "subcontractor": sub.name}
    return contract.contractor.name


def _check_holder(contract: Contract, subcontractor: Subcontractor | None, made_by) -> Subcontractor | None:
    """Only parties the ward approved hold personal data (再委託の制限): a copy named as held by a subcontractor not
    approved for this contract, or made by one of its people, is refused, quoting the seed. A copy made by a person
    of an approved subcontractor is held by that subcontractor."""
    if subcontractor is not None:
        if subcontractor.contract_id != contract.pk:
            raise DomainError(_("保管する再委託先には、この契約の再委託先を選んでください。"), field="subcontractor")
        if not subcontractor.is_approved:
            raise DomainError(subcontracting.refusal(subcontractor.name), field="subcontractor",
                              code=subcontracting.NOT_APPROVED)
    if made_by is not None:
        subcontracting.may_receive(contract, user=made_by).require(field="made_by")
        profile = getattr(made_by, "profile", None)
        if subcontractor is None and profile is not None:
            subcontractor = subcontracting.approved(contract).filter(organisation_id=profile.organisation_id).first()
    return subcontractor


@transaction.atomic
def copy_register(*, contract: Contract, actor, source: Item, place: str, location: str, made_at: dt.datetime,
                  made_by, purpose: str, encrypted: bool, medium_kind: MediumKind | None = None, notes: str = "",
                  subcontractor: Subcontractor | None = None, request=None) -> CopyRecord:
    """Write one copy in the register (複製等の記録): where, when, by whom, why, encrypted or not."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_register_copy(actor, contract).require()
    location, purpose, notes = (location or "").strip(), (purpose or "").strip(), (notes or "").strip()
    bounds.check_values(CopyRecord, location=location, purpose=purpose, notes=notes, made_at=made_at)
    sources = {item.pk: item for item in copy_sources(contract)}
    if source is None or source.pk not in sources:
        raise DomainError(_("複製元には、この契約で受け取った記録媒体等を選んでください。"), field="source")
    source = sources[source.pk]
    if place not in CopyRecord.Place.values:
        raise DomainError(_("複製先の種類を選んでください。"), field="place")
    if not location:
        raise DomainError(_("複製先のPC名・資産番号・媒体の管理番号を入力してください（例: ANL-PC-01、BK-01）。"),
                          field="location")
    if place != CopyRecord.Place.OTHER_MEDIUM:
        medium_kind = None
    elif medium_kind is None:
        # The kind decides how the copy may be deleted (a CD-R only by destroying it): never left to the notes.
        raise DomainError(OTHER_MEDIUM_NEEDS_KIND, field="medium_kind", code="kind_required")
    if not purpose:
        raise DomainError(_("複製の目的を入力してください（例: 集計・分析のため）。"), field="purpose")
    if made_at is None:
        raise DomainError(_("複製した日時を入力してください。"), field="made_at")
    if made_at > timezone.now() + CLOCK_TOLERANCE:
        raise DomainError(_("複製した日時に、これから先の日時は入力できません。"), field="made_at")
    # The form gives minutes: a copy made "at 10:15" of a disc acknowledged at 10:15:30 is fine.
    if made_at < source.received_at.replace(second=0, microsecond=0):
        raise DomainError(_("「%(item)s」を受け取った日時（%(when)s）より前の日時は入力できません。")
                          % {"item": source, "when": wareki_datetime(source.received_at)}, field="made_at")
    subcontractor = _check_holder(contract, subcontractor, made_by)
    if made_by is None or not copy_makers(contract).filter(pk=made_by.pk).exists():
        raise DomainError(_("複製した者には、この契約の承認された取扱責任者・取扱者を選んでください。"), field="made_by")
    number = (CopyRecord.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    copy = CopyRecord.objects.create(
        contract=contract, number=number, source=source, place=place, location=location, medium_kind=medium_kind,
        made_at=made_at, made_by=made_by, purpose=purpose, encrypted=bool(encrypted), notes=notes,
        subcontractor=subcontractor, recorded_at=timezone.now(), recorded_by=actor)
    audit_log(action="handover.copy.registered", actor=actor, contract=contract, obj=copy, request=request,
              payload={"number": number, "source": source.label, "place": place, "location": location,
                       "made_at": made_at, "made_by": made_by.get_username(), "purpose": purpose,
                       "encrypted": bool(encrypted),
                       **({"subcontractor": subcontractor.pk} if subcontractor is not None else {})})
    return copy


def copy_label(copy: CopyRecord) -> str:
    """複製 No.1（分析用PC ANL-PC-01）: how a copy is named on pages, in the deletion report and its PDF."""
    where = copy.location
    if copy.medium_kind_id:
        where = f"{copy.medium_kind} {where}"
    return _("複製 No.%(n)s（%(place)s %(where)s）") % {"n": copy.number, "place": copy.get_place_display(),
                                                     "where": where}


REGISTER_TITLE = "複製等の記録"
REGISTER_WIDTHS = [8, 18, 16, 20, 30, 18, 16, 20, 8, 10, 24]


def copy_register_xlsx(contract: Contract) -> tuple[str, str, bytes]:
    """The copy register as an A4 XLSX, with who holds each copy (委託先, or 委託先 → 再委託先)."""
    covered = covered_copy_ids(contract)
    wb, ws = new_a4_workbook(REGISTER_TITLE)
    ws.cell(row=1, column=1, value=REGISTER_TITLE)
    ws.cell(row=2, column=1, value=_("契約: %(contract)s") % {"contract": contract.display_name})
    ws.cell(row=3, column=1, value=_("出力日時: %(when)s") % {"when": wareki_datetime(timezone.now())})
    headers = [_("複製番号"), _("複製元"), _("複製先の種類"), _("複製先"), _("保管する者"), _("複製した日時"),
               _("複製した者"), _("目的"), _("暗号化"), _("消去報告"), _("備考")]
    rows = ([copy.number, copy.source.label, copy.get_place_display(),
             f"{copy.medium_kind} {copy.location}" if copy.medium_kind_id else copy.location, copy_holder(copy),
             copy.made_at, display_name(copy.made_by), copy.purpose, _("あり") if copy.encrypted else _("なし"),
             _("受理済み") if copy.pk in covered else _("未報告"), copy.notes]
            for copy in copies_of(contract))
    write_table(ws, start_row=5, headers=headers, rows=rows, widths=REGISTER_WIDTHS,
                page_header=f"{REGISTER_TITLE}　{contract.display_name}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"copies-{contract.file_stem}-{stamp}.xlsx", XLSX_CONTENT_TYPE, workbook_bytes(wb)
