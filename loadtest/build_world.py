"""The load test's world: many contracts with their people, items, handovers and checklists.

Run by scripts/loadtest.sh against its throwaway PostgreSQL database, after ``migrate``:

    python loadtest/build_world.py --contracts 40 --out world.json

Contracts, designations, memberships, checklist plans, items and the first handovers go through the
services, as the app writes them (every one audited); only the accounts are bulk-created (one password
hash for all, computed once: PBKDF2 at the production cost takes half a second a person). Each account
gets a confirmed TOTP device whose key ``world.json`` carries, so the simulated people sign in with their
password and a code like anyone else. Ten HR staff own four contracts each; each of ten contractors has a
handling manager and two handlers designated on its four contracts; ten auditors read every contract.

With ``--sections N`` (the two-server mode of scripts/loadtest.sh: ``--contracts 500 --sections 20``) it is
the ward's register instead: an organisation tree of departments (部) with N sections (課) under them and
a privacy office (区政情報課) in the first; one clerk per section (担当課, held on their section: a
ScopeGrant) who makes that section's contracts; five people of the privacy office holding 個人情報保護担当 on
the whole ward; and 25 companies, each with a handling manager and two handlers on its share of the
contracts: 100 people. Each contract is lighter than above (four papers, one disc) so that 500 of them are
built in minutes. The tree and the grants go through contracts.services.organisation / .scopes when those
are there; a grant the permissions do not honour yet is backed by a membership of the same role on each
contract (said in world.json's "scopes": "memberships").
"""

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from attachments.models import EvidenceFile  # noqa: E402
from checklist import services as checklist_services  # noqa: E402
from checklist.models import Mark  # noqa: E402
from contracts import services as contract_services  # noqa: E402
from contracts.models import Designation, Organisation, Role, ScopeGrant, UserProfile  # noqa: E402
from contracts.permissions import can  # noqa: E402
from contracts.roles import AUDIT_GROUP, HR_GROUP, ensure_groups  # noqa: E402
from contracts.services._common import membership_add  # noqa: E402
from handover import services as handover_services  # noqa: E402
from handover.models import Handover, Item, MediumKind, StorageRecord  # noqa: E402

PASSWORD = "load-test-passphrase-2026"
COMPANIES = 10
HR_STAFF = 10
AUDITORS = 10
PAPERS = 12
DISCS = 2
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
GIVEN = ["花子", "一郎", "美咲", "健", "誠", "陽子", "翔", "直子", "大輔", "恵"]


def _people(prefix: str, count: int, organisations, encoded: str, groups=()) -> list:
    """``count`` accounts, bulk-created, each with a profile and a confirmed TOTP device."""
    users = get_user_model().objects.bulk_create([
        get_user_model()(username=f"{prefix}{n:02d}", email=f"{prefix}{n:02d}@load.example.jp", password=encoded)
        for n in range(count)])
    UserProfile.objects.bulk_create([
        UserProfile(user=user, organisation=organisations[n % len(organisations)],
                    display_name=f"{FAMILY[n % len(FAMILY)]} {GIVEN[(n + len(prefix)) % len(GIVEN)]}{n:02d}")
        for n, user in enumerate(users)])
    TOTPDevice.objects.bulk_create([TOTPDevice(user=user, name="load", confirmed=True, key=secrets.token_hex(20))
                                    for user in users])
    for name in groups:
        Group.objects.get(name=name).user_set.add(*users)
    return users


def _contract_fields(n: int) -> dict:
    return {
        "title": f"負荷試験委託業務 {n + 1:02d}", "project_name": "職員エンゲージメント向上等支援業務",
        "department": "総務部人材育成等担当課", "regulation_basis": "第3条第1項第3号（業務委託）",
        "purpose": "職員エンゲージメント向上のため", "subjects": "区職員（会計年度任用職員は除く）",
        "subject_count": "約 3,000 人", "project_description": "調査結果の分析と報告書の作成",
        "holding_section": "人材育成等担当課", "registered_work_name": "職員エンゲージメント向上等支援業務",
        "information_items": "職員の属性・調査回答内容", "recording_media": "電磁的記録(CD-R等)",
        "reason": "専門的な分析のため", "work_content": "調査結果を分析し報告書を作成する",
        "start_date": dt.date(2026, 5, 1), "end_date": dt.date(2027, 3, 31), "fiscal_year": 2026,
        "recurring": True,
    }


def build(contract_count: int) -> dict:
    ensure_groups()
    encoded = make_password(PASSWORD)
    ward = Organisation.objects.create(name="新宿区 総務部人材育成等担当課", kind=Organisation.Kind.WARD_SECTION,
                                       emergency_contact_name="人材育成等担当", emergency_contact_phone="03-0000-0000")
    companies = [Organisation.objects.create(name=f"負荷試験委託先{n + 1:02d}株式会社", kind=Organisation.Kind.CONTRACTOR,
                                             emergency_contact_name="取扱責任者",
                                             emergency_contact_phone="03-1111-0000")
                 for n in range(COMPANIES)]
    hr = _people("hr", HR_STAFF, [ward], encoded, groups=[HR_GROUP])
    auditors = _people("auditor", AUDITORS, [ward], encoded, groups=[AUDIT_GROUP])
    managers = _people("manager", COMPANIES, companies, encoded)
    handlers = _people("handler", 2 * COMPANIES, companies, encoded)
    cd_r, _created = MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10, "destroy_only": True})
    template_keys = [item.key for item in checklist_services.latest_template().items.all()]

    world = {"password": PASSWORD, "users": {}, "sha256": {}}
    contracts_of: dict[int, list[str]] = {}
    for n in range(contract_count):
        owner = hr[n % HR_STAFF]
        company = n % COMPANIES
        manager, team = managers[company], [handlers[company], handlers[company + COMPANIES]]
        contract = contract_services.contract_create(actor=owner, slug=f"load-{n + 1:02d}", ward_section=ward,
                                                     contractor=companies[company], **_contract_fields(n))
        contract = contract_services.contract_start(contract=contract, actor=owner)
        for auditor in auditors:
            contract_services.membership_grant(contract=contract, user=auditor, role=Role.AUDITOR, actor=owner)
        for user, kind in ((manager, Designation.Kind.MANAGER), (team[0], Designation.Kind.HANDLER),
                           (team[1], Designation.Kind.HANDLER)):
            designation = contract_services.designation_report(contract=contract, user=user, kind=kind, actor=owner)
            contract_services.designation_approve(designation=designation, actor=owner)
        checklist_services.plan_save(contract=contract, marks={key: (Mark.PLANNED, "") for key in template_keys},
                                     actor=owner)
        checklist_services.plan_finalise(contract=contract, actor=owner)

        papers = [handover_services.item_register(
            contract=contract, actor=owner, category=Item.Category.PAPER, label=f"P-{i + 1:03d}",
            contents="調査回答用紙の写し", pieces=1) for i in range(PAPERS)]
        discs = []
        for i in range(DISCS):
            digest = secrets.token_hex(32)
            discs.append(handover_services.item_register(
                contract=contract, actor=owner, category=Item.Category.MEDIUM, medium_kind=cd_r,
                label=f"CD-{i + 1:03d}", contents="職員属性・調査回答（暗号化済み）", record_count=3000,
                file_name="engagement.xlsx", sha256=digest))
            world["sha256"][str(discs[-1].pk)] = digest
        # Some history in every ledger: two papers and a disc delivered, acknowledged and locked up.
        for items, recipient in (([papers[0], papers[1]], team[0]), ([discs[0]], team[1])):
            handover = handover_services.handover_record(
                contract=contract, actor=owner, direction=Handover.Direction.DELIVERY, recipient=recipient,
                items=items)
            handover_services.handover_acknowledge(
                handover=handover, actor=recipient, time_confirmed=True,
                hashes={item.pk: item.sha256 for item in items if item.sha256})
            for item in items:
                handover_services.storage_record(item=item, actor=recipient, place=StorageRecord.Place.CABINET,
                                                 location="分析室 キャビネットB-2", locked=True)
        for user in (owner, manager, *team, *auditors):
            contracts_of.setdefault(user.pk, []).append(contract.slug)

    devices = {d.user_id: d.key for d in TOTPDevice.objects.filter(name="load")}
    for role, users in (("hr", hr), ("manager", managers), ("handler", handlers), ("auditor", auditors)):
        world["users"][role] = [{"username": u.username, "key": devices[u.pk], "contracts": contracts_of.get(u.pk, [])}
                                for u in users]
    return world


# --- the ward's register: the organisation tree, scoped roles, many sections -------------------------

WARD_COMPANIES = 25
PRIVACY_STAFF = 5
WARD_PAPERS = 4
DEPARTMENTS = ["総務部", "区民部", "福祉部", "健康部", "子ども家庭部", "地域振興部", "都市計画部", "環境清掃部"]
SECTION_NAMES = ["人事課", "税務課", "戸籍住民課", "国保年金課", "福祉政策課", "障害者福祉課", "高齢者支援課",
                 "保健予防課", "健康政策課", "子ども家庭課", "保育課", "地域振興課", "文化観光課", "都市計画課",
                 "建築指導課", "環境対策課", "清掃事務所", "生涯学習課", "教育支援課", "選挙管理課"]


def _unit(*, code: str, name: str, kind: str, parent, actor):
    """A unit of the tree: through contracts.services.organisation.unit_save when it is there."""
    try:
        from contracts.services.organisation import unit_save
    except ImportError:
        return Organisation.objects.create(code=code, name=name, kind=kind, parent=parent)
    return unit_save(code=code, name=name, kind=kind, parent=parent, actor=actor)


def _grant(*, user, role: str, unit, actor) -> None:
    """A role held on a unit (None: the whole ward): contracts.services.scopes.scope_grant when it is there."""
    try:
        from contracts.services.scopes import scope_grant
    except ImportError:
        ScopeGrant.objects.create(user=user, role=role, unit=unit, granted_at=timezone.now(), granted_by=actor)
        return
    scope_grant(user=user, role=role, unit=unit, actor=actor)


def _register_page() -> bool:
    """Whether this version has the register (委託一覧) at /register/ (the privacy office's people open it)."""
    try:
        resolve("/register/")
    except Resolver404:
        return False
    return True


def build_ward(contract_count: int, section_count: int) -> dict:
    ensure_groups()
    encoded = make_password(PASSWORD)
    admin = get_user_model().objects.create_superuser("load-admin", "load-admin@load.example.jp",
                                                      secrets.token_urlsafe(24))
    departments = [_unit(code=f"d{n + 1:02d}", name=name, kind=Organisation.Kind.DEPARTMENT, parent=None,
                         actor=admin) for n, name in enumerate(DEPARTMENTS[:max(1, (section_count + 4) // 5)])]
    sections = [_unit(code=f"s{n + 1:02d}", name=SECTION_NAMES[n % len(SECTION_NAMES)]
                      + ("" if n < len(SECTION_NAMES) else str(n + 1)),
                      kind=Organisation.Kind.WARD_SECTION, parent=departments[n % len(departments)], actor=admin)
                for n in range(section_count)]
    office = _unit(code="privacy", name="区政情報課", kind=Organisation.Kind.WARD_SECTION, parent=departments[0],
                   actor=admin)
    Organisation.objects.filter(pk__in=[unit.pk for unit in (*sections, office)]).update(
        emergency_contact_name="庶務担当", emergency_contact_phone="03-0000-0000")
    companies = [Organisation.objects.create(name=f"負荷試験委託先{n + 1:02d}株式会社", kind=Organisation.Kind.CONTRACTOR,
                                             emergency_contact_name="取扱責任者",
                                             emergency_contact_phone="03-1111-0000")
                 for n in range(WARD_COMPANIES)]
    clerks = _people("clerk", section_count, sections, encoded, groups=[HR_GROUP])  # clerk n: section n
    privacy = _people("privacy", PRIVACY_STAFF, [office], encoded)
    # Two more of the office, not among the simulated people: loadtest/across.py reads the files back as them.
    readers = _people("reader", 2, [office], encoded)
    managers = _people("manager", WARD_COMPANIES, companies, encoded)
    handlers = _people("handler", 2 * WARD_COMPANIES, companies, encoded)
    for clerk, section in zip(clerks, sections, strict=True):
        _grant(user=clerk, role=Role.HR, unit=section, actor=admin)
    for person in (*privacy, *readers):
        _grant(user=person, role=Role.PRIVACY, unit=None, actor=admin)
    cd_r, _created = MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10, "destroy_only": True})
    template_keys = [item.key for item in checklist_services.latest_template().items.all()]

    world = {"password": PASSWORD, "users": {}, "sha256": {}, "scopes": "grants"}
    contracts_of: dict[int, list[str]] = {}
    for n in range(contract_count):
        section = n % section_count
        owner, unit = clerks[section], sections[section]
        company = n % WARD_COMPANIES
        manager, team = managers[company], [handlers[company], handlers[company + WARD_COMPANIES]]
        fields = {**_contract_fields(n), "title": f"負荷試験委託業務 {n + 1:03d}", "department": unit.parent.name,
                  "holding_section": unit.name}
        contract = contract_services.contract_create(actor=owner, slug=f"load-{n + 1:03d}", ward_section=unit,
                                                     contractor=companies[company], **fields)
        contract = contract_services.contract_start(contract=contract, actor=owner)
        if n == 0 and not can(privacy[0], contract, "view"):
            world["scopes"] = "memberships"
        if world["scopes"] == "memberships":
            for person in (*privacy, *readers):
                membership_add(contract=contract, user=person, role=Role.PRIVACY, actor=owner)
        for user, kind in ((manager, Designation.Kind.MANAGER), (team[0], Designation.Kind.HANDLER),
                           (team[1], Designation.Kind.HANDLER)):
            designation = contract_services.designation_report(contract=contract, user=user, kind=kind, actor=owner)
            contract_services.designation_approve(designation=designation, actor=owner)
        checklist_services.plan_save(contract=contract, marks={key: (Mark.PLANNED, "") for key in template_keys},
                                     actor=owner)
        checklist_services.plan_finalise(contract=contract, actor=owner)
        papers = [handover_services.item_register(
            contract=contract, actor=owner, category=Item.Category.PAPER, label=f"P-{i + 1:03d}",
            contents="調査回答用紙の写し", pieces=1) for i in range(WARD_PAPERS)]
        digest = secrets.token_hex(32)
        disc = handover_services.item_register(
            contract=contract, actor=owner, category=Item.Category.MEDIUM, medium_kind=cd_r, label="CD-001",
            contents="職員属性・調査回答（暗号化済み）", record_count=3000, file_name="engagement.xlsx", sha256=digest)
        world["sha256"][str(disc.pk)] = digest
        handover = handover_services.handover_record(
            contract=contract, actor=owner, direction=Handover.Direction.DELIVERY, recipient=team[0],
            items=[papers[0]])
        handover_services.handover_acknowledge(handover=handover, actor=team[0], time_confirmed=True, hashes={})
        handover_services.storage_record(item=papers[0], actor=team[0], place=StorageRecord.Place.CABINET,
                                         location="分析室 キャビネットB-2", locked=True)
        for user in (owner, manager, *team, *privacy):
            contracts_of.setdefault(user.pk, []).append(contract.slug)
        if (n + 1) % 50 == 0:
            print(f"world: {n + 1} contracts", file=sys.stderr)

    devices = {d.user_id: d.key for d in TOTPDevice.objects.filter(name="load")}
    for role, users in (("hr", clerks), ("privacy", privacy), ("manager", managers), ("handler", handlers)):
        world["users"][role] = [{"username": u.username, "key": devices[u.pk], "contracts": contracts_of.get(u.pk, [])}
                                for u in users]
    world["readers"] = [{"username": u.username, "key": devices[u.pk]} for u in readers]
    world.update(sections=section_count, contracts=contract_count, register=_register_page(),
                 evidence_before=EvidenceFile.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    return world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=40)
    parser.add_argument("--sections", type=int, default=0, help="the ward's register: this many sections")
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    started = time.monotonic()
    with transaction.atomic():
        world = build_ward(options.contracts, options.sections) if options.sections else build(options.contracts)
    Path(options.out).write_text(json.dumps(world, ensure_ascii=False))
    people = sum(len(users) for users in world["users"].values())
    print(f"world: {options.contracts} contracts, {people} people, {time.monotonic() - started:.1f} s",
          file=sys.stderr)

if __name__ == "__main__":
    main()
