"""What the environment profiles say about the checklist's system items (s01–s11), per side.

- ``contractor.system.01``–``11`` (委託事業者に行わせる 【システム上の対策】): the profile of the contract's contractor
  and of each approved subcontractor (再委託先: it processes the data too), as the ward accepted them, with the
  certificates that back each item. s08 and s09 also need the contractor's own records: a log analysis in the
  last :data:`LOG_ANALYSIS_MONTHS` months and a backup check or test restore in the last
  :data:`BACKUP_MONTHS` months (counted back from today, or from the contract's end once it is over). Never the
  ward's access-log analysis (``audit``) or restore drills (``operations``): those prove this app, the ward's
  own system.
- ``ward.system.01``–``05``, ``10``, ``11``: the ward's own profile, kept by its IT section. (Ward s06–s09 are
  the app's own records: accounts, engagement, audit, operations.)

An item is met when every party's profile is accepted and in date (accepted within a year), says the control is
in place, and no certificate backing it has lapsed without a renewal; unmet when a profile says it is not in
place, is out of date, or a certificate has lapsed; and not judged (None) while a profile is missing, not yet
accepted, or says the item does not apply.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.selectors import file_refs
from contracts import subcontracting
from core import evidence
from core.dates import wareki

from .models import SYSTEM_ITEMS, WARD_ITEMS, EnvironmentProfile, Measure, OperationReport, Premises, is_japan

LOG_ANALYSIS_MONTHS = 3
BACKUP_MONTHS = 12
WINDOW_MONTHS = {"08": LOG_ANALYSIS_MONTHS, "09": BACKUP_MONTHS}
REPORT_KINDS = {"08": (OperationReport.Kind.LOG_ANALYSIS,),
                "09": (OperationReport.Kind.RESTORE_TEST, OperationReport.Kind.BACKUP_CHECK)}


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    if year < dt.MINYEAR:  # a date stored before the bounds existed (0001年): nothing is older
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def reference_day(contract) -> dt.date:
    """The day the records are judged at: today, or the contract's end once it is over."""
    today = timezone.localdate()
    end = getattr(contract, "end_date", None)
    return min(today, end) if end else today


def parties(contract) -> list[tuple[object, str]]:
    """(organisation, role in words) of everyone who processes the contract's data on the contractor's side."""
    found = [(contract.contractor, _("委託先"))]
    for sub in subcontracting.approved(contract).select_related("organisation"):
        if sub.organisation_id and sub.organisation_id not in {o.pk for o, _role in found}:
            found.append((sub.organisation, _("再委託先")))
    return found


def _profiles(organisations) -> dict[int, EnvironmentProfile]:
    rows = (EnvironmentProfile.objects.filter(organisation__in=[o.pk for o in organisations])
            .select_related("organisation").prefetch_related("certificates"))
    return {profile.organisation_id: profile for profile in rows}


def lapsed_certificates(profile: EnvironmentProfile, number: str, day: dt.date) -> list:
    """The certificates backing item ``number`` whose latest of their kind has lapsed on ``day`` (one renewed
    since, of the same kind and backing the item, takes its place)."""
    latest: dict[tuple, object] = {}
    for certificate in profile.certificates.all():
        if not certificate.backs(number) or certificate.valid_from > day:
            continue
        key = (certificate.kind, certificate.name)
        if key not in latest or certificate.valid_until > latest[key].valid_until:
            latest[key] = certificate
    return [c for c in latest.values() if c.valid_until < day]


def backing_certificates(profile: EnvironmentProfile, number: str) -> list:
    return [c for c in profile.certificates.all() if c.backs(number)]


def _file_refs(targets) -> tuple:
    targets = list(targets)
    return tuple(file_refs(targets)) if targets else ()


def _moment(day: dt.date) -> dt.datetime:
    """The end of ``day`` in Tokyo, or now when ``day`` is today."""
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def judge(profile: EnvironmentProfile | None, number: str, *, name: str, day: dt.date,
          reports=None) -> tuple[bool | None, str]:
    """(met, one sentence) for one party's profile on item ``number``, as it stood on ``day``."""
    if profile is None:
        return None, _("%(name)s: 環境の届出がありません。") % {"name": name}
    if profile.accepted_at is None:
        return None, _("%(name)s: 環境の届出を区がまだ受理していません（%(status)s）。") % {
            "name": name, "status": profile.get_status_display()}
    if not profile.is_accepted:
        return None, _("%(name)s: 環境の届出は見直し中で、区の受理を待っています（%(status)s）。") % {
            "name": name, "status": profile.get_status_display()}
    if profile.is_stale(_moment(day)):
        return False, _("%(name)s: 環境の届出の受理（%(day)s）から1年を過ぎています。見直して提出し直すよう依頼してください。") % {
            "name": name, "day": wareki(timezone.localtime(profile.accepted_at).date())}
    lapsed = lapsed_certificates(profile, number, day)
    if lapsed:
        return False, _("%(name)s: この対策を裏付ける認証の有効期限が切れています（%(certificates)s）。") % {
            "name": name, "certificates": "、".join(
                _("%(c)s 期限 %(day)s") % {"c": c.display_name, "day": wareki(c.valid_until)} for c in lapsed)}
    status, text = profile.measure(number), profile.measure_text(number)
    if status == Measure.NOT_IN_PLACE:
        return False, _("%(name)s: 実施していない（%(text)s）。") % {"name": name, "text": text}
    if status == Measure.NOT_APPLICABLE:
        return None, _("%(name)s: 該当しない（%(text)s）。") % {"name": name, "text": text}
    if status != Measure.IN_PLACE:
        return None, _("%(name)s: 届出に記入がありません。") % {"name": name}
    if number == "11" and not is_japan(profile.country):
        return False, _("%(name)s: データを処理・保管する国が日本ではありません（%(country)s）。") % {
            "name": name, "country": profile.country}
    certificates = backing_certificates(profile, number)
    backed = _("。認証: %(list)s") % {"list": "、".join(
        _("%(c)s（%(day)sまで）") % {"c": c.display_name, "day": wareki(c.valid_until)} for c in certificates)
    } if certificates else ""
    if number in WINDOW_MONTHS and reports is not None:
        since = months_before(day, WINDOW_MONTHS[number])
        recent = [r for r in reports if since <= r.done_on <= day]
        if not recent:
            what = _("アクセスログ等の分析") if number == "08" else _("バックアップの確認・復元テスト")
            return False, _("%(name)s: %(since)s以降の%(what)sの記録がありません（届出では実施: %(text)s）。") % {
                "name": name, "since": wareki(since), "what": what, "text": text}
        last = recent[0]
        return True, _("%(name)s: %(text)s。直近の記録 %(kind)s %(day)s%(backed)s。") % {
            "name": name, "text": text, "kind": last.get_kind_display(), "day": wareki(last.done_on), "backed": backed}
    return True, _("%(name)s: %(text)s%(backed)s。") % {"name": name, "text": text, "backed": backed}


def _combine(verdicts: list[bool | None]) -> bool | None:
    if any(v is False for v in verdicts):
        return False
    if verdicts and all(v is True for v in verdicts):
        return True
    return None


def contractor_evidence(contract, number: str) -> evidence.Evidence:
    """The contractor's side: the contractor's and every approved subcontractor's accepted profile."""
    day = reference_day(contract)
    found = parties(contract)
    profiles = _profiles([organisation for organisation, _role in found])
    verdicts, sentences, targets = [], [], []
    for organisation, role in found:
        profile = profiles.get(organisation.pk)
        reports = None
        if number in REPORT_KINDS and profile is not None:
            reports = list(OperationReport.objects.filter(profile=profile, kind__in=REPORT_KINDS[number])
                           .order_by("-done_on", "-pk"))
        met, sentence = judge(profile, number, name=f"{role} {organisation.name}", day=day, reports=reports)
        verdicts.append(met)
        sentences.append(sentence)
        if profile is not None:
            targets.append(profile)
            targets.extend(backing_certificates(profile, number))
            if reports:
                since = months_before(day, WINDOW_MONTHS[number])
                targets.extend(r for r in reports if since <= r.done_on <= day)
    url = reverse("environment:contract", kwargs={"slug": contract.slug})
    return evidence.Evidence(met=_combine(verdicts), summary=" ".join(sentences), url=url, files=_file_refs(targets))


def ward_evidence(contract, number: str) -> evidence.Evidence:
    """The ward's side: the ward's own profile, kept by its IT section."""
    profile = EnvironmentProfile.objects.filter(is_ward=True).prefetch_related("certificates").first()
    met, sentence = judge(profile, number, name=_("区"), day=reference_day(contract))
    url = reverse("environment:ward")
    files = _file_refs([profile, *backing_certificates(profile, number)]) if profile is not None else ()
    return evidence.Evidence(met=met, summary=sentence, url=url, files=files)


def cloud_use(contract) -> list[dict]:
    """For item 01's cloud clause (「クラウドサービスを利用する場合は…ガイドラインを準拠させる」, the checklist's to
    judge): each party whose accepted profile says the data is processed in a cloud service, with the service, its
    provider and whether the profile says it follows the 総務省 guideline and is on the ISMAP list."""
    found = parties(contract)
    profiles = _profiles([organisation for organisation, _role in found])
    rows = []
    for organisation, role in found:
        profile = profiles.get(organisation.pk)
        if profile is None or not profile.is_accepted or profile.premises != Premises.CLOUD:
            continue
        rows.append({"organisation": organisation.name, "role": role, "service": profile.cloud_service,
                     "provider": profile.cloud_provider, "guideline": profile.cloud_guideline == Measure.IN_PLACE,
                     "ismap": profile.ismap == Measure.IN_PLACE, "url": reverse("environment:profile",
                                                                                  kwargs={"pk": profile.pk})})
    return rows


def _provider(function, number: str):
    def provider(contract):
        return function(contract, number)

    provider.__name__ = f"{function.__name__}_{number}"
    return provider


# One provider per key: core.evidence asks each provider once per page, whatever keys share it.
CONTRACTOR_PROVIDERS = {f"contractor.system.{n}": _provider(contractor_evidence, n) for n in SYSTEM_ITEMS}
WARD_PROVIDERS = {f"ward.system.{n}": _provider(ward_evidence, n) for n in WARD_ITEMS}


def register_all() -> None:
    for key, provider in (CONTRACTOR_PROVIDERS | WARD_PROVIDERS).items():
        evidence.register(key, provider)
