"""Online transfers (送信): a file the ward sends over LGWAN to an approved designee of the contractor, instead of
handing over a medium, and the recipient's acknowledgement of receipt. For contract types that use online
transfer (contracttypes.parts: "online_transfer")."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Contract
from core import bounds
from core.dates import fiscal_year_label, wareki
from core.errors import DomainError

from .. import permissions, rules
from ..models import Handover, OnlineTransfer
from .items import SHA256_PATTERN, normalise_sha256


def _fiscal_year_start(contract: Contract) -> dt.datetime:
    first = min(dt.date(contract.fiscal_year, 4, 1), contract.start_date)
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


@transaction.atomic
def transfer_record(*, contract: Contract, actor, recipient, sent_at: dt.datetime, channel: str, file_name: str,
                    sha256: str, size: int, notes: str = "", request=None) -> OnlineTransfer:
    """HR records a file sent over LGWAN: when, to whom at the contractor (an approved designee in force, of an
    approved party), by which channel, the file's name, SHA-256 and size. The recipient then acknowledges it."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    permissions.may_record_transfer(actor, contract).require()
    file_name, notes = (file_name or "").strip(), (notes or "").strip()
    bounds.check_values(OnlineTransfer, sent_at=sent_at, file_name=file_name, size=size, notes=notes)
    if recipient is None:
        raise DomainError(_("受信する者を選んでください。"), field="recipient")
    permissions.may_be_handed(recipient, contract, Handover.Direction.DELIVERY).require(field="recipient")
    if channel not in OnlineTransfer.Channel.values:
        raise DomainError(_("送信の経路を選んでください。"), field="channel")
    if channel == OnlineTransfer.Channel.OTHER and not notes:
        raise DomainError(_("「その他」の経路は備考に書いてください。"), field="notes")
    if not file_name:
        raise DomainError(_("ファイル名を入力してください。"), field="file_name")
    sha256 = normalise_sha256(sha256)
    if not SHA256_PATTERN.match(sha256):
        raise DomainError(_("SHA-256は64桁の16進数で入力してください。"), field="sha256")
    if size is None or size < 1:
        raise DomainError(_("サイズは1バイト以上にしてください。"), field="size")
    now = timezone.now()
    if sent_at > now + rules.CLOCK_TOLERANCE:
        raise DomainError(_("送信日時に、これから先の日時は入力できません。"), field="sent_at")
    earliest = _fiscal_year_start(contract)
    if sent_at < earliest:
        raise DomainError(_("送信日時は、この契約の年度（%(year)s）の%(date)s以降にしてください。")
                          % {"year": fiscal_year_label(contract.fiscal_year), "date": wareki(earliest)},
                          field="sent_at")
    number = (OnlineTransfer.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    transfer = OnlineTransfer.objects.create(
        contract=contract, number=number, sent_at=sent_at, sent_by=actor, recipient=recipient, channel=channel,
        file_name=file_name, sha256=sha256, size=size, notes=notes, recorded_at=now)
    # The file's name may say whose data it is: the entry keeps its hash and size, not its name.
    audit_log(action="handover.transfer.sent", actor=actor, contract=contract, obj=transfer, request=request,
              payload={"number": number, "channel": channel, "sha256": sha256, "size": size,
                       "recipient": recipient.pk, "sent_at": sent_at})
    return transfer


@transaction.atomic
def transfer_acknowledge(*, transfer: OnlineTransfer, actor, confirmed: bool = False, request=None) -> OnlineTransfer:
    """受信確認: the recipient confirms the file arrived whole (its SHA-256 as recorded)."""
    transfer = OnlineTransfer.objects.select_for_update().select_related("contract").get(pk=transfer.pk)
    permissions.may_acknowledge_transfer(actor, transfer).or_403().require()
    if not confirmed:
        raise DomainError(_("受け取ったファイルのSHA-256が記録の値と一致することを確かめてから、確認の欄に印を付けてください。"),
                          field="confirmed")
    transfer.acknowledged_at, transfer.acknowledged_by = timezone.now(), actor
    transfer.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_log(action="handover.transfer.acknowledged", actor=actor, contract=transfer.contract, obj=transfer,
              request=request, payload={"number": transfer.number, "sha256": transfer.sha256})
    return transfer
