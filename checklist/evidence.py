"""Live evidence: what the app itself knows about a checklist item's control on one contract.

Some controls of the checklist are carried out in this app (the designation of handlers, the ledger,
the separation of medium and password notice, storage, the deletion report, access logs). For those
items the checklist shows, beside the attestation, what the app's own records say, and an item attested
as in place while the app shows the control unmet is flagged for the reviewer.

The registry is on the ground floor (``core.evidence``): each app registers its providers there in its own
``AppConfig.ready``, and the checklist asks it on every view of a side.

Item keys are stable across template versions: ``<side>.<section>.<number>``, side ``ward`` or
``contractor``, section ``operational`` (13 items) or ``system`` (11), number two digits in the seed's
order. The ones the app can speak to:

- ``*.operational.01`` 「特記事項」を付す…クラウドサービスを利用する場合は… — registered here (the ward's
  confirmation that the 特記事項 is attached, with its version, and the contractor's cloud declaration)
- ``*.operational.04`` 取扱責任者及び取扱者をあらかじめ指定し、区に報告 — registered here (designations)
- ``*.operational.05`` 全体の業務フローを作成し、委託先と共有する — registered here (the flow shared with its
  version, and the contractor's manager's acknowledgement of that same version)
- ``*.operational.07`` パスワードを付して暗号化、媒体とパスワード通知書は別の機会に手渡し — handover
- ``*.operational.08`` 鍵付きカバン等を使用して運搬 — handover
- ``*.operational.09`` 管理簿に記載（日時、取扱者、情報の内容、数量） — handover
- ``*.operational.10`` 施錠できる金庫又はキャビネット等に保管 — handover
- ``*.operational.11`` 返却、電子データの消去、消去の報告書 — yearend (the deletion report)
- ``*.operational.12`` 事故…に対応できる体制及び手順、緊急時の連絡体制や対応手順 — incidents (emergency contacts,
  and both sides' confirmations here dated before the work starts)
- ``*.operational.13`` 事故が発生した場合…直ちに…今後の対応を協議 — incidents (consultations on incidents, report
  deadlines, and the changes of measures recorded here with their consultation)
- ``ward.system.08`` アクセスログ等を取得、定期的に分析 — audit (the audit trail, ``audit.evidence``, and the
  monthly analysis)
- ``ward.system.09`` バックアップ等によりシステム稼働体制を整備 — operations (the restore drills)

``contractor.system.08`` and ``contractor.system.09`` have no provider on purpose: the audit trail, its analysis
and the restore drills are the ward's own system (this app), not the contractor's. Evidence for an item comes
from the records of the side it is about; until the contractor's own records exist these two show the
attestation only and are never flagged from the ward's records.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import wareki
from core.evidence import Evidence, register

# Providers for what exists now. Other apps register theirs in their own AppConfig.ready.

def designation_evidence(contract) -> Evidence:
    """取扱責任者及び取扱者をあらかじめ指定し、区に報告: an approved manager, and the handlers named."""
    from contracts.models import Designation

    counts = {"manager": 0, "handler": 0, "pending": 0}
    # In force on the day judged: today, or the last day of a contract that is over (an ended designation names
    # nobody who handles the data now).
    day = min(timezone.localdate(), contract.end_date)
    designations = list(contract.designations.filter(
        status__in=[Designation.Status.APPROVED, Designation.Status.REPORTED])
        .exclude(valid_until__lt=day).only("pk", "kind", "status"))
    for designation in designations:
        kind, status = designation.kind, designation.status
        if status == Designation.Status.REPORTED:
            counts["pending"] += 1
        else:
            counts[kind] += 1
    summary = _("取扱責任者 %(manager)s名・取扱者 %(handler)s名を区が承認済み（承認待ち %(pending)s件）") % counts
    if not counts["manager"]:
        summary = _("承認された取扱責任者がいません。") + summary
    # Their 誓約書 and training records (attached on the attachments app's page), with their SHA-256.
    files = _files(designations)
    if files:
        summary += _("。誓約書等 %(n)s件") % {"n": len(files)}
    return Evidence(met=counts["manager"] > 0, summary=summary, files=files,
                    url=reverse("contracts:designations", kwargs={"slug": contract.slug}))


def _records_url(contract) -> str:
    return reverse("checklist:records", kwargs={"slug": contract.slug})


def _files(rows):
    from attachments.selectors import file_refs

    return file_refs(list(rows))


def latest(contract, kind: str, side: str | None = None):
    """The newest confirmation of ``kind`` (by one side), or None."""
    from .models import Confirmation

    rows = Confirmation.objects.filter(contract=contract, kind=kind).select_related("confirmed_by__profile")
    if side is not None:
        rows = rows.filter(side=side)
    return rows.order_by("-confirmed_on", "-pk").first()


def special_terms_evidence(contract) -> Evidence:
    """契約にあたり「特記事項」を付す…クラウドサービスを利用する場合は、総務省のガイドラインに沿って: the ward recorded
    that the 特記事項 is attached (its version), and the contractor declared whether a cloud service is used and,
    if so, that it follows the guideline."""
    from .models import Confirmation

    terms = latest(contract, Confirmation.Kind.SPECIAL_TERMS)
    cloud = latest(contract, Confirmation.Kind.CLOUD)
    parts, missing = [], []
    if terms is None:
        missing.append(_("特記事項を付した記録"))
    else:
        parts.append(_("特記事項（%(reference)s）を付した（%(date)s 区が記録）")
                     % {"reference": terms.reference, "date": wareki(terms.confirmed_on)})
    if cloud is None:
        missing.append(_("クラウドサービスの利用についての委託先の申告"))
    elif cloud.cloud_used:
        parts.append(_("クラウドサービスを利用し、総務省のガイドラインに沿うと委託先が申告（%(date)s）")
                     % {"date": wareki(cloud.confirmed_on)})
    else:
        parts.append(_("クラウドサービスは利用しないと委託先が申告（%(date)s）") % {"date": wareki(cloud.confirmed_on)})
    # What the accepted environment profiles say of the cloud (environment.evidence.cloud_use): a profile
    # processing the data in a cloud contradicts a "no cloud" declaration, and each such cloud must follow the
    # guideline.
    from environment.evidence import cloud_use

    problems = []
    for use in cloud_use(contract):
        words = {"org": use["organisation"], "service": use["service"] or _("名称未記入")}
        if cloud is not None and not cloud.cloud_used:
            problems.append(_("環境の届出では%(org)sがクラウドサービス（%(service)s）で処理しています") % words)
        if not use["guideline"]:
            problems.append(_("%(org)sのクラウドサービス（%(service)s）は総務省のガイドラインに沿っていると届け出られていません")
                            % words)
    summary = "。".join(parts + problems)
    if missing:
        summary = _("記録がありません: %(missing)s") % {"missing": "、".join(missing)} + ("。" + summary if summary else "")
    return Evidence(met=not missing and not problems, summary=summary, url=_records_url(contract),
                    files=_files(row for row in (terms, cloud) if row is not None))


def flow_evidence(contract) -> Evidence:
    """全体の業務フローを作成し、委託先と共有する / 区が作成した業務フローに基づき、業務を行わせる: the newest version of
    the flow (資料2-1) the ward shared, acknowledged by the contractor's handling manager with that version; a new
    version needs a new acknowledgement."""
    from .models import Confirmation

    shared = latest(contract, Confirmation.Kind.FLOW_SHARED)
    if shared is None:
        return Evidence(met=False, url=_records_url(contract),
                        summary=_("業務フロー（資料2-1）を委託先と共有した記録がありません。"))
    acknowledged = (Confirmation.objects.filter(contract=contract, kind=Confirmation.Kind.FLOW_ACKNOWLEDGED,
                                                reference=shared.reference)
                    .order_by("-confirmed_on", "-pk").first())
    words = {"version": shared.reference, "date": wareki(shared.confirmed_on)}
    if acknowledged is None:
        return Evidence(met=False, url=_records_url(contract), files=_files([shared]), summary=_(
            "業務フロー（%(version)s）を %(date)s に共有しましたが、委託先の取扱責任者がこの版を確認した記録がありません。")
            % words)
    words["acknowledged"] = wareki(acknowledged.confirmed_on)
    return Evidence(met=True, url=_records_url(contract), files=_files([shared, acknowledged]), summary=_(
        "業務フロー（%(version)s）を %(date)s に共有し、委託先の取扱責任者が %(acknowledged)s に同じ版を確認") % words)


def register_builtin() -> None:
    for side in ("ward", "contractor"):
        register(f"{side}.operational.01", special_terms_evidence)
        register(f"{side}.operational.04", designation_evidence)
        register(f"{side}.operational.05", flow_evidence)
