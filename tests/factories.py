"""Small ``make_*`` helpers. Everything goes through the services, as the app does."""

import datetime as dt
import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts import services
from contracts.models import Contract, Designation, Organisation, Role, UserProfile
from contracts.roles import AUDIT_GROUP, HR_GROUP, ensure_groups

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_organisation(kind=Organisation.Kind.CONTRACTOR, name=None) -> Organisation:
    return Organisation.objects.create(name=name or f"組織{next(_counter)}", kind=kind,
                                       emergency_contact_name="緊急 太郎", emergency_contact_phone="03-0000-0000")


def make_user(username, organisation, *, display_name=None, groups=(), totp=True):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.jp")
    UserProfile.objects.create(user=user, organisation=organisation, display_name=display_name or username)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    if totp:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def make_contract(*, hr, ward, contractor, slug=None, **overrides) -> Contract:
    fields = {
        "title": "テスト委託契約", "project_name": "テスト事業", "department": "総務部人材育成等担当課",
        "regulation_basis": "第3条第1項第3号（業務委託）", "purpose": "テスト", "subjects": "区職員",
        "subject_count": "約 3,000 人", "project_description": "テスト", "holding_section": "人材育成等担当課",
        "registered_work_name": "テスト業務", "information_items": "属性・回答", "recording_media": "電磁的記録(CD-R等)",
        "reason": "テスト", "work_content": "テスト", "start_date": dt.date(2025, 5, 1),
        "end_date": dt.date(2026, 3, 31), "fiscal_year": 2025, "recurring": True,
    }
    fields.update(overrides)
    contract = services.contract_create(actor=hr, slug=slug or f"contract-{next(_counter)}", ward_section=ward,
                                        contractor=contractor, **fields)
    return services.contract_start(contract=contract, actor=hr)


def designate(contract, user, kind=Designation.Kind.HANDLER, *, actor, approve=True) -> Designation:
    designation = services.designation_report(contract=contract, user=user, kind=kind, actor=actor)
    if approve:
        designation = services.designation_approve(designation=designation, actor=actor)
    return designation


@dataclass
class World:
    ward: Organisation
    contractor: Organisation
    other_contractor: Organisation
    contract: Contract
    other_contract: Contract
    hr: object
    manager: object
    handler: object
    auditor: object
    other_manager: object
    outsider: object
    # Roles held on a part of the organisation (ScopeGrant), not on a contract: the privacy office ward-wide
    # (個人情報保護担当) and the clerk of another section (担当課 of 税務課, which owns neither contract).
    other_section: Organisation
    privacy: object
    section_other: object

    def user(self, role: str):
        return {"hr": self.hr, "manager": self.manager, "handler": self.handler, "auditor": self.auditor,
                "other": self.other_manager, "outsider": self.outsider, "privacy": self.privacy,
                "section_other": self.section_other, "anon": None}[role]


def make_world() -> World:
    ensure_groups()
    ward = make_organisation(Organisation.Kind.WARD_SECTION, "新宿区 総務部人材育成等担当課")
    contractor = make_organisation(Organisation.Kind.CONTRACTOR, "委託先A株式会社")
    other_contractor = make_organisation(Organisation.Kind.CONTRACTOR, "委託先B株式会社")
    hr = make_user("hr", ward, display_name="佐藤 花子", groups=[HR_GROUP])
    auditor = make_user("auditor", ward, display_name="鈴木 一郎", groups=[AUDIT_GROUP])
    outsider = make_user("outsider", ward, display_name="部外 者")
    manager = make_user("manager_a", contractor, display_name="田中 誠")
    handler = make_user("handler_a", contractor, display_name="山田 美咲")
    other_manager = make_user("manager_b", other_contractor, display_name="小林 健")
    contract = make_contract(hr=hr, ward=ward, contractor=contractor, slug="contract-a", title="契約A")
    other_contract = make_contract(hr=hr, ward=ward, contractor=other_contractor, slug="contract-b", title="契約B")
    for c in (contract, other_contract):
        services.membership_grant(contract=c, user=auditor, role="auditor", actor=hr)
    designate(contract, manager, Designation.Kind.MANAGER, actor=hr)
    designate(contract, handler, Designation.Kind.HANDLER, actor=hr)
    designate(other_contract, other_manager, Designation.Kind.MANAGER, actor=hr)
    department = Organisation.objects.create(name="区民部", kind=Organisation.Kind.DEPARTMENT, code="kumin")
    other_section = Organisation.objects.create(name="新宿区 区民部税務課", kind=Organisation.Kind.WARD_SECTION,
                                                code="zeimu", parent=department)
    privacy = make_user("privacy", ward, display_name="伊藤 直子")
    section_other = make_user("section_other", other_section, display_name="山本 健太")
    services.scope_grant(user=privacy, role=Role.PRIVACY, unit=None, actor=hr)
    services.scope_grant(user=section_other, role=Role.HR, unit=other_section, actor=hr)
    return World(ward, contractor, other_contractor, contract, other_contract, hr, manager, handler, auditor,
                 other_manager, outsider, other_section=other_section, privacy=privacy, section_other=section_other)


def login_verified(client, user):
    """Sign ``client`` in as ``user`` with the second factor already given."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_totp(user) -> str:
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
