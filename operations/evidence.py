"""What the app knows about system item 09 of the ward's checklist, for any contract:

- ``ward.system.09`` サーバ冗長化、バックアップ等により、事故や障害発生時におけるシステム稼働体制を整備する。

Not ``contractor.system.09`` (… 整備させる): these drills prove this app's backups, the ward's system, and say
nothing of the contractor's. That item has no provider until the contractor's own records exist, so it shows the
attestation only and is never flagged 未達成 from the ward's drills.

A backup counts once it has been restored and checked (``backup_verify``, a drill in the audit trail), not
when it was merely written. Met while the last successful drill is younger than
BACKUP_EVIDENCE_MAX_AGE_DAYS and no drill has failed since; unmet when there is none, when it is older
(stale), or when a later drill found the backup unusable. The backups serve the whole installation, so
every contract shows the same drill. Registered in ``OperationsConfig.ready``.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import wareki_datetime
from core.evidence import Evidence

from .audit_actions import REASONS, backup_words
from .services import last_drills


def drill_evidence(contract) -> Evidence:
    # No link to the records: the drills belong to no contract, so only the audit office's log lists them,
    # and HR or the contractor would find an empty page there. The sentence names the drill instead.
    verified, failed = last_drills()
    limit = settings.BACKUP_EVIDENCE_MAX_AGE_DAYS
    if failed is not None:
        reason = REASONS.get(failed.payload.get("reason"), REASONS["error"])
        return Evidence(met=False, summary=_(
            "%(when)sの復元検証で、バックアップが使えないことが分かりました（%(reason)s）。") % {
            "when": wareki_datetime(failed.created_at), "reason": reason})
    if verified is None:
        return Evidence(met=False, summary=_(
            "バックアップを復元して確かめた記録（復元検証）がありません。"))
    days = (timezone.now() - verified.created_at).days
    words = {"when": wareki_datetime(verified.created_at), "days": days, "limit": limit,
             "what": backup_words(verified.payload)}
    if days >= limit:
        return Evidence(met=False, summary=_(
            "最後の復元検証は%(when)s（%(days)s日前）で、%(limit)s日を過ぎています。%(what)s") % words)
    return Evidence(met=True, summary=_(
        "%(when)s（%(days)s日前）にバックアップを復元して確認しました。%(what)s") % words)


def register_all() -> None:
    from core import evidence

    evidence.register("ward.system.09", drill_evidence)
