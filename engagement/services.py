"""Writes of the survey export: a built package goes into the handover ledger.

Seed 資料2-1 ③: HR compiles the answers with the staff attributes, writes them password-encrypted to a
CD-R/DVD-R and hands the disc over by hand (データ取りまとめ及びCD-R等で送付). Registering the disc and its
password notice as prepared items puts them under the handover rules from then on: the separation
rule (別紙: 電磁的媒体とパスワード通知書の受渡しは、それぞれ別の機会を設定し…), the ledger, returns.

Audit payloads carry figures and the SHA-256 of the encrypted file only, never a value from the file
and never the password.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError
from handover.models import Item, MediumKind
from handover.services import item_register

from .package import Package

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
