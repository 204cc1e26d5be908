"""The load test's world: many contracts with their people, items, handovers and checklists.

Run by scripts/loadtest.sh against its throwaway PostgreSQL database, after ``migrate``:

    python loadtest/build_world.py --contracts 40 --out world.json

Contracts, designations, memberships, checklist plans, items and the first handovers go through the
services, as the app writes them (every one audited); only the accounts are bulk-created (one password
hash for all, computed once: PBKDF2 at the production cost takes half a second a person). Each account
gets a confirmed TOTP device whose key ``world.json`` carries, so the simulated people sign in with their
password and a code like anyone else. Ten HR staff own four contracts each; each of ten contractors has a
handling manager and two handlers designated on its four contracts; ten auditors read every contract.
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
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from checklist import services as checklist_services  # noqa: E402
from checklist.models import Mark  # noqa: E402
from contracts import services as contract_services  # noqa: E402
from contracts.models import Designation, Organisation, Role, UserProfile  # noqa: E402
from contracts.roles import AUDIT_GROUP, HR_GROUP, ensure_groups  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=40)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    started = time.monotonic()
    with transaction.atomic():
        world = build(options.contracts)
    Path(options.out).write_text(json.dumps(world, ensure_ascii=False))
    people = sum(len(users) for users in world["users"].values())
    print(f"world: {options.contracts} contracts, {people} people, {time.monotonic() - started:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
