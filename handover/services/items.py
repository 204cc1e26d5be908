"""Registering what the ward hands over: a medium, a paper document or a password notice, and the SHA-256
of a medium's file as the recipient will check it."""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Contract
from core import bounds
from core.errors import DomainError

from .. import permissions
from ..models import Item, MediumKind

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def normalise_sha256(value: str) -> str:
    """certutil prints the hash in lower case, older Windows with spaces between bytes; accept both."""
    return re.sub(r"\s+", "", value or "").lower()


@transaction.atomic
def item_register(
    *,
    contract: Contract,
    actor,
    category: str,
    label: str,
    contents: str,
    medium_kind: MediumKind | None = None,
    record_count: int | None = None,
    pieces: int = 1,
    file_name: str = "",
    sha256: str = "",
    opens: Item | None = None,
    notes: str = "",
    request=None,
) -> Item:
    """Register a medium, a paper document or a password notice, held by the ward until handed over.

    A notice names the medium it opens; the password itself is never asked for nor stored.
    """
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    permissions.may_register(actor, contract).require()
    bounds.check_values(Item, label=label, contents=contents, record_count=record_count, pieces=pieces,
                        file_name=file_name, notes=notes)
    label = label.strip()
    if not label:
        raise DomainError(_("管理番号を入力してください。"), field="label")
    if Item.objects.filter(contract=contract, label=label).exists():
        raise DomainError(_("管理番号「%(label)s」はこの契約ですでに使われています。") % {"label": label}, field="label")
    if pieces < 1:
        raise DomainError(_("数量は1以上にしてください。"), field="pieces")
    sha256 = normalise_sha256(sha256)
    if sha256 and not SHA256_PATTERN.match(sha256):
        raise DomainError(_("SHA-256は64桁の16進数で入力してください。"), field="sha256")

    if category == Item.Category.MEDIUM:
        if medium_kind is None:
            raise DomainError(_("媒体の種類を選んでください。"), field="medium_kind")
        opens = None
    elif category == Item.Category.PAPER:
        medium_kind, opens = None, None
        if sha256 or file_name:
            raise DomainError(_("紙媒体にはファイル名やSHA-256はありません。"), field="sha256")
    elif category == Item.Category.NOTICE:
        medium_kind, record_count = None, None
        if sha256 or file_name:
            raise DomainError(_("パスワード通知書にはファイル名やSHA-256はありません。"), field="sha256")
        if opens is None or opens.contract_id != contract.pk or not opens.is_medium:
            raise DomainError(_("このパスワード通知書で開く、この契約の電磁的媒体を選んでください。"), field="opens")
    else:
        raise DomainError(_("区分を選んでください。"), field="category")

    now = timezone.now()
    item = Item.objects.create(
        contract=contract, category=category, medium_kind=medium_kind, label=label, contents=contents.strip(),
        record_count=record_count, pieces=pieces, file_name=file_name.strip(), sha256=sha256, opens=opens,
        notes=notes.strip(), state=Item.State.PREPARED, state_changed_at=now, holder=actor, created_at=now,
        created_by=actor,
    )
    audit_log(action="handover.item.registered", actor=actor, contract=contract, obj=item, request=request,
              payload={"label": label, "category": category, "kind": item.kind_label, "pieces": pieces,
                       "record_count": record_count, "opens": opens.label if opens else "",
                       "sha256": sha256})
    return item
