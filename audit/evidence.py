"""What the audit trail knows about the checklist's item on access logs (ward.system.08): this contract's
entries are recorded and untampered. Registered in ``AuditConfig.ready`` with the evidence registry
(``core.evidence``), after the monthly analysis's provider for the same item.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import evidence
from core.evidence import Evidence

from .models import AuditEntry


def access_log_evidence(contract) -> Evidence:
    """アクセスログ等を取得: the audit trail records this contract's changes and accesses, untampered.

    Each of the contract's entries is re-hashed (the whole chain is verified by the audit office's
    ``verify_audit``; walking it on every page view would not scale).
    """
    count = 0
    broken = 0
    for entry in AuditEntry.objects.filter(contract=contract).order_by("seq").iterator(chunk_size=1000):
        count += 1
        if entry.compute_hash() != entry.hash:
            broken += 1
    url = reverse("audit:log") + f"?contract={contract.slug}"
    if broken:
        return Evidence(met=False, summary=_("監査証跡 %(n)s件のうち %(b)s件でハッシュが一致しません。")
                        % {"n": count, "b": broken}, url=url)
    if not count:
        return Evidence(met=None, summary=_("この契約の監査証跡はまだありません。"), url=url)
    return Evidence(met=True, summary=_("この契約の操作・閲覧 %(n)s件を監査証跡に記録（ハッシュ検証済み）")
                    % {"n": count}, url=url)


def register_all() -> None:
    # Only the ward's side: the audit trail is the ward's own system (see audit.analysis.register_evidence).
    evidence.register("ward.system.08", access_log_evidence)
