"""Every write about the environment profiles: starting one, filling it in, the review (submit, accept, send
back, the yearly reopening), certificates and the contractor's own records of log analysis and backup. Each
function re-reads its row under a lock, asks :mod:`environment.permissions` (the page's answer too) and writes
exactly one audit entry.

The seed's rule they serve: the system items of 別紙 チェックリスト 【システム上の対策】, 「…させる」 on the
contractor's side — facts about the contractor's (and each subcontractor's) own environment, which the ward
learns from the contractor and accepts — and the same facts of the ward's own environment on its side. Audit
payloads carry which fields changed, never their texts.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments import services as attachments
from audit.services import audit_log
from contracts.models import Organisation
from core import bounds, review
from core.errors import DomainError

from . import permissions
from .models import (
    COVERS_BY_KIND,
    SYSTEM_ITEMS,
    Certificate,
    EnvironmentProfile,
    Measure,
    OperationReport,
    Premises,
    is_japan,
)

PLACE_FIELDS = ("country", "premises", "place", "cloud_service", "cloud_provider", "cloud_guideline", "ismap")
ITEM_FIELDS = tuple(f"s{number}_{part}" for number in SYSTEM_ITEMS for part in ("status", "text"))
PROFILE_FIELDS = PLACE_FIELDS + ITEM_FIELDS


def _subject(profile: EnvironmentProfile) -> dict:
    # An organisation's name is a firm's, never a person's.
    return {"organisation": "" if profile.is_ward else profile.organisation.name, "ward": profile.is_ward}


def _locked(profile: EnvironmentProfile) -> EnvironmentProfile:
    return EnvironmentProfile.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=profile.pk)


@transaction.atomic
def profile_start(*, organisation: Organisation | None, actor, request=None) -> EnvironmentProfile:
    """Begin the profile of ``organisation`` (None: the ward's own, kept by its IT section)."""
    if organisation is not None:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    permissions.may_start(actor, organisation).or_403().require()
    profile = EnvironmentProfile.objects.create(organisation=organisation, is_ward=organisation is None,
                                                updated_at=timezone.now(), updated_by=actor)
    audit_log(action="environment.profile.started", actor=actor, obj=profile, request=request,
              payload=_subject(profile))
    return profile


def _checked_place(values: dict) -> None:
    if values.get("premises") == Premises.CLOUD:
        for name, what in (("cloud_service", _("クラウドサービスの名称")), ("cloud_provider", _("提供事業者"))):
            if not values.get(name, "").strip():
                raise DomainError(_("クラウドサービスで処理・保管するときは、%(what)sを入力してください。") % {"what": what},
                                  field=name)
        if values.get("cloud_guideline") in ("", Measure.NOT_APPLICABLE):
            raise DomainError(_("クラウドサービスを利用するときは、総務省のガイドラインに準拠しているかを選んでください"
                                "（利用する場合は準拠させることが特記事項の定めです）。"), field="cloud_guideline")
    if values.get("s11_status") == Measure.IN_PLACE and not is_japan(values.get("country", "")):
        raise DomainError(_("日本国内の法が適用されるサーバといえるのは、データを処理・保管する国が日本の場合です。"
                            "国を確かめるか、この対策を「実施していない」にしてください。"), field="s11_status")


@transaction.atomic
def profile_save(*, profile: EnvironmentProfile, actor, request=None, **values) -> EnvironmentProfile:
    """Fill in or correct the profile while it is being written or was sent back (blanks are allowed until it
    is submitted)."""
    profile = _locked(profile)
    permissions.may_edit(actor, profile).or_403().require()
    values = {name: str(values[name] or "").strip() for name in PROFILE_FIELDS if name in values}
    bounds.check_values(EnvironmentProfile, **values)
    for name, value in values.items():
        if name.endswith("_status") or name in ("premises", "cloud_guideline", "ismap"):
            field = EnvironmentProfile._meta.get_field(name)
            if value and value not in dict(field.choices):
                raise DomainError(_("選択肢から選んでください。"), field=name)
    merged = {name: getattr(profile, name) for name in PROFILE_FIELDS} | values
    _checked_place(merged)
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    for name, value in values.items():
        setattr(profile, name, value)
    profile.updated_at, profile.updated_by = timezone.now(), actor
    profile.save(update_fields=[*values, "updated_at", "updated_by"])
    audit_log(action="environment.profile.saved", actor=actor, obj=profile, request=request,
              payload={**_subject(profile), "changed": changed})
    return profile


def missing_for_submission(profile: EnvironmentProfile) -> list[tuple[str, str]]:
    """(field, message) for each answer a submitted profile needs: the place, and for every item its status and
    a short description (how it is done, or why not)."""
    missing = []
    if not profile.country.strip():
        missing.append(("country", _("データを処理・保管する国を入力してください。")))
    if not profile.premises:
        missing.append(("premises", _("処理・保管の場所を選んでください。")))
    for number, label in SYSTEM_ITEMS.items():
        if not profile.measure(number):
            missing.append((f"s{number}_status", _("s%(n)s「%(label)s」の状況を選んでください。") % {"n": number, "label": label}))
        elif not profile.measure_text(number).strip():
            missing.append((f"s{number}_text", _("s%(n)s「%(label)s」の具体的な内容（実施していない・該当しないときはその理由）"
                                                 "を入力してください。") % {"n": number, "label": label}))
    return missing


@transaction.atomic
def profile_submit(*, profile: EnvironmentProfile, actor, request=None) -> EnvironmentProfile:
    """Submit the profile to the ward, every item answered with a description."""
    profile = _locked(profile)
    permissions.may_edit(actor, profile).or_403().require()
    missing = missing_for_submission(profile)
    if missing:
        raise DomainError(_("提出する前に、次を記入してください: %(what)s") % {"what": " ".join(m for _f, m in missing)},
                          code="incomplete")
    _checked_place({name: getattr(profile, name) for name in PROFILE_FIELDS})
    fields = review.submit(profile, actor=actor)
    profile.save(update_fields=fields)
    audit_log(action="environment.profile.submitted", actor=actor, obj=profile, request=request,
              payload={**_subject(profile), "submission": profile.submission_count})
    return profile


@transaction.atomic
def profile_accept(*, profile: EnvironmentProfile, actor, request=None) -> EnvironmentProfile:
    """The ward accepts the profile: the checklist's system items read it for a year from today."""
    profile = _locked(profile)
    permissions.may_decide(actor, profile).or_403().require()
    now = timezone.now()
    fields = review.accept(profile, actor=actor, now=now)
    profile.accepted_at = now
    profile.save(update_fields=[*fields, "accepted_at"])
    audit_log(action="environment.profile.accepted", actor=actor, obj=profile, request=request,
              payload=_subject(profile))
    return profile


@transaction.atomic
def profile_send_back(*, profile: EnvironmentProfile, actor, reason: str, request=None) -> EnvironmentProfile:
    """The ward sends the profile back with a reason; the keeper corrects it and submits it again."""
    profile = _locked(profile)
    permissions.may_decide(actor, profile).or_403().require()
    bounds.check_values(EnvironmentProfile, return_reason=(reason or "").strip())
    fields = review.send_back(profile, actor=actor, reason=reason)
    profile.save(update_fields=fields)
    audit_log(action="environment.profile.returned", actor=actor, obj=profile, request=request,
              payload=_subject(profile))
    return profile


@transaction.atomic
def profile_revise(*, profile: EnvironmentProfile, actor, request=None) -> EnvironmentProfile:
    """Open an accepted profile for its yearly review (or a change of the environment): it is written again
    and submitted; until the ward accepts it again the checklist does not read it."""
    profile = _locked(profile)
    permissions.may_revise(actor, profile).or_403().require()
    profile.status = EnvironmentProfile.Status.DRAFT
    profile.updated_at, profile.updated_by = timezone.now(), actor
    profile.save(update_fields=["status", "updated_at", "updated_by"])
    audit_log(action="environment.profile.reopened", actor=actor, obj=profile, request=request,
              payload=_subject(profile))
    return profile


def default_covers(kind: str) -> list[str]:
    return list(COVERS_BY_KIND.get(kind, ()))


@transaction.atomic
def certificate_add(*, profile: EnvironmentProfile, actor, kind: str, number: str, issuer: str,
                    valid_from: dt.date | None, valid_until: dt.date | None, covers=None, name: str = "",
                    upload=None, request=None) -> Certificate:
    """Record a certificate (Pマーク, ISMS, ISMAP…) with the items it backs (by default what its kind audits) and,
    optionally, its scan (an evidence file)."""
    profile = _locked(profile)
    permissions.may_record(actor, profile).or_403().require()
    if kind not in Certificate.Kind.values:
        raise DomainError(_("認証の種類を選んでください。"), field="kind")
    number, issuer, name = (number or "").strip(), (issuer or "").strip(), (name or "").strip()
    if kind == Certificate.Kind.OTHER and not name:
        raise DomainError(_("その他の認証は、その名称を入力してください。"), field="name")
    if not number:
        raise DomainError(_("登録番号を入力してください。"), field="number")
    if not issuer:
        raise DomainError(_("認証機関を入力してください。"), field="issuer")
    if valid_from is None:
        raise DomainError(_("有効期間の開始日を入力してください。"), field="valid_from")
    if valid_until is None:
        raise DomainError(_("有効期間の終了日を入力してください。"), field="valid_until")
    bounds.check_values(Certificate, number=number, issuer=issuer, name=name, valid_from=valid_from,
                        valid_until=valid_until)
    if valid_until < valid_from:
        raise DomainError(_("有効期間の終了日は開始日より後の日付にしてください。"), field="valid_until")
    chosen = default_covers(kind) if covers is None else list(covers)
    if any(number_ not in SYSTEM_ITEMS for number_ in chosen):
        raise DomainError(_("裏付ける対策は選択肢から選んでください。"), field="covers")
    certificate = Certificate.objects.create(
        profile=profile, kind=kind, name=name if kind == Certificate.Kind.OTHER else "", number=number,
        issuer=issuer, valid_from=valid_from, valid_until=valid_until, covers=sorted(set(chosen)),
        recorded_at=timezone.now(), recorded_by=actor)
    audit_log(action="environment.certificate.added", actor=actor, obj=certificate, request=request,
              payload={**_subject(profile), "kind": kind, "valid_from": valid_from, "valid_until": valid_until,
                       "covers": certificate.covers})
    if upload is not None:
        _attach(certificate, upload, actor=actor, slot="certificate", request=request)
    return certificate


@transaction.atomic
def report_record(*, profile: EnvironmentProfile, actor, kind: str, period_from: dt.date | None,
                  period_until: dt.date | None, done_on: dt.date | None, text: str, upload=None,
                  request=None) -> OperationReport:
    """Record the contractor's own log analysis (s08) or backup check / test restore (s09), with its report
    file: the records the contractor's s08 and s09 are judged by."""
    profile = _locked(profile)
    permissions.may_record_report(actor, profile).or_403().require()
    if kind not in OperationReport.Kind.values:
        raise DomainError(_("記録する内容を選んでください。"), field="kind")
    for value, name, what in ((period_from, "period_from", _("対象期間の開始日")),
                              (period_until, "period_until", _("対象期間の終了日")), (done_on, "done_on", _("実施日"))):
        if value is None:
            raise DomainError(_("%(what)sを入力してください。") % {"what": what}, field=name)
    text = (text or "").strip()
    bounds.check_values(OperationReport, period_from=period_from, period_until=period_until, done_on=done_on,
                        text=text)
    if period_until < period_from:
        raise DomainError(_("対象期間の終了日は開始日より後の日付にしてください。"), field="period_until")
    if done_on > timezone.localdate():
        raise DomainError(_("実施日に未来の日付は入力できません。"), field="done_on")
    if not text:
        raise DomainError(_("結果（見つかったこと・対応したこと）を入力してください。"), field="text")
    report = OperationReport.objects.create(
        profile=profile, kind=kind, period_from=period_from, period_until=period_until, done_on=done_on, text=text,
        recorded_at=timezone.now(), recorded_by=actor)
    audit_log(action="environment.report.recorded", actor=actor, obj=report, request=request,
              payload={**_subject(profile), "kind": kind, "done_on": done_on})
    if upload is not None:
        _attach(report, upload, actor=actor, slot="report", request=request)
    return report


def _attach(target, upload, *, actor, slot: str, request=None):
    """Keep ``upload`` encrypted with ``target`` (attachments' own audit entry); a refused file refuses the whole
    record, at the file's field."""
    try:
        return attachments.attach(target=target, upload=upload, actor=actor, slot=slot, request=request)
    except DomainError as error:
        raise DomainError(error.message, field="upload", code=error.code) from error
