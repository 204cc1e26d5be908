"""The risk treatment and the free text: HR's settings for k (quasi-identifiers, generalisations, suppression,
the columns taken out of k) and the findings in free text HR leaves unmasked; the records as they will leave."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError

from .. import permissions, risk
from ..dataset import Dataset
from ..mapping import Role
from ..models import SurveyUpload
from .upload import Loaded, upload_mapping

MAX_K = 100
DEFAULT_MAX_SUPPRESSION_PERCENT = round(100 * risk.DEFAULT_MAX_SUPPRESSION)
MAX_SUPPRESSION_PERCENT = 50


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
