import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from contracts.demo import DEMO_PASSWORD, demo_contracts
from core.dates import fiscal_year_label

# Apps that add their own demo data on top of the contracts, in this order (each has demo.add_to_demo(world)). The
# finished year's end comes last: it builds on all the others. The command lives on the top floor because it
# seeds every app.
DEMO_APPS = ["contracttypes", "contracts", "environment", "handover", "checklist", "engagement", "incidents",
             "statusreports", "supervision", "yearend", "imports"]

ACCOUNTS = [
    ("sato", "担当課（区 総務部人材育成等担当課）"),
    ("tanaka", "取扱責任者（委託先 パブリックタレントモビリティ）"),
    ("yamada", "取扱者（同）"),
    ("suzuki", "監査（区全体）"),
    ("ito", "個人情報保護担当（区全体）"),
    ("yamamoto", "担当課（区 区民部税務課）"),
    ("takahashi", "情報システム担当（区の環境の届出）"),
    ("kobayashi", "取扱責任者（別の委託先・別の契約）"),
    ("nakamura", "取扱責任者（税務課の印刷・封入封緘の委託先 新宿印刷）"),
    ("ogawa", "取扱者（同。LGWANで届いたデータの受信確認）"),
    ("admin", "システム管理者（管理画面・一括取込・チェックリストのひな形）"),
]


class Command(BaseCommand):
    help = "Create the demo contracts, organisations and a user for every role. Safe to run twice."

    def handle(self, *args, **options):
        with transaction.atomic():
            world = demo_contracts()
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError:
                    continue
                add_to_demo = getattr(module, "add_to_demo", None)
                if add_to_demo is not None:
                    add_to_demo(world)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Accounts (password for all: {DEMO_PASSWORD}):"))
        for username, role in ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role}")
        current, last = world.current_contract, world.contract
        self.stdout.write(f"Current year's contract: {current.slug} ({fiscal_year_label(current.fiscal_year)}, "
                          f"{current.start_date} – {current.end_date}); last year's, finished: {last.slug} "
                          f"({fiscal_year_label(last.fiscal_year)}).")
