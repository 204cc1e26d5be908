"""Small helpers for the supervision tests: everything goes through the services, as the app does."""

import datetime as dt

from supervision import services
from supervision.models import Inspection

HELD_ON = dt.date(2025, 11, 12)


def plan(world, *, planned_on=HELD_ON, method=Inspection.Method.ON_SITE, reason="", **extra):
    return services.inspection_plan(contract=world.contract, actor=world.hr, planned_on=planned_on, method=method,
                                    reason=reason, place="委託先A株式会社 本社 分析室", **extra)


def record(world, inspection, *, held_on=HELD_ON, method=Inspection.Method.ON_SITE, reason=""):
    return services.inspection_record(inspection=inspection, actor=world.hr, held_on=held_on, method=method,
                                      reason=reason, place="委託先A株式会社 本社 分析室", inspectors="佐藤 花子、高橋 健",
                                      summary="保管庫と執務室を確認した。")


def held(world, **kwargs):
    return record(world, plan(world, **kwargs))


def finding(world, inspection=None, *, item_key="contractor.operational.07", owner=None,
            due_on=dt.date(2025, 12, 12), text="分析室の保管庫の鍵が机の上に置かれていた。鍵の管理手順を定めること。"):
    inspection = inspection or held(world)
    return services.finding_raise(inspection=inspection, actor=world.hr, text=text, owner=owner or world.manager,
                                  due_on=due_on, item_key=item_key)


def respond(world, found, actor=None, response="鍵を管理室の金庫で保管し、持出し簿を作った。"):
    return services.finding_respond(finding=found, actor=actor or world.manager, response=response)


def accept(world, found):
    return services.finding_accept(finding=found, actor=world.hr)
