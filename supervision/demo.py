"""Demo data: the inspections (立入り調査等) of the seed contract's two years.

- FY2025 (``world.contract``, finished and closed by the year's end's demo, which runs after this one): on 1 October
  2025 HR plans an on-site inspection of the contractor for 12 November; held that day at the contractor's analysis
  room by 佐藤 and a colleague, three items examined. One finding: the key of the storage cabinet lay on a desk. 田中
  (the handling manager) answers on 5 December with the new rule (the key in the safe, a sign-out book) with a photo; HR accepts
  it on 8 December, so nothing of it stands in the way of locking the checklists in March or closing.
- FY2026 (``world.current_contract``): a remote inspection (video) planned about a month ahead, with its reason;
  and, for each subcontractor approved on that contract, an on-site one planned beside it.

Each service runs at the story's moment (``django.utils.timezone.now`` answers it while it runs, as the year's
end's demo does), so its rules and its audit entry see that day. Safe to run twice.
"""

import contextlib
import datetime as dt
import struct
import zlib
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attachments import services as attachments
from audit.services import recorded_at
from contracts.demo import at
from contracts.models import Contract
from contracts.subcontracting import approved

from . import services
from .models import Inspection

PLANNED = at(dt.date(2025, 10, 1), 10)
HELD_ON = dt.date(2025, 11, 12)
RECORDED = at(HELD_ON, 17)
RESPONDED = at(dt.date(2025, 12, 5), 15)
ACCEPTED = at(dt.date(2025, 12, 8), 10)
PLACE = "パブリックタレントモビリティ株式会社 本社 分析室"
RESULTS = (
    ("contractor.operational.10", "improve", "分析室のキャビネットは施錠されていたが、鍵が机の上に置かれていた。"),
    ("contractor.operational.09", "good", "管理簿と確認記録票で、受け取った記録媒体の受渡しを追跡できた。"),
    ("contractor.operational.07", "good", "暗号化ファイルとパスワード通知書が別々に保管されていることを確認した。"),
)
FINDING = "分析室のキャビネットの鍵が机の上に置かれていた。鍵の保管場所と持出しの記録の手順を定めること。"
RESPONSE = "鍵は管理室の金庫で保管し、持出しは鍵の持出し簿に記録する手順とした（12月1日から）。手順書と金庫の写真を添付する。"
REMOTE_REASON = "委託先の分析室が改装工事中で立ち入れないため、映像で執務室と保管庫を確認する。"


def _photo() -> bytes:
    """A small real PNG (8×8, grey), standing in for the manager's photo of the safe."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * 8 for _row in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@contextlib.contextmanager
def story_moment(when: dt.datetime):
    """While it lasts, ``timezone.now()`` answers ``when`` and audit entries carry it."""
    moment = min(when, timezone.now())
    with mock.patch.object(timezone, "now", lambda: moment), recorded_at(moment):
        yield moment


def _last_year(contract: Contract, users) -> None:
    if contract.is_closed or Inspection.objects.filter(contract=contract).exists():
        return  # done already (or closed before: nothing may be written)
    if timezone.now() < ACCEPTED + dt.timedelta(hours=1):
        return  # a clock set before the story
    hr, manager = users["hr"], users["manager"]
    with story_moment(PLANNED):
        inspection = services.inspection_plan(contract=contract, actor=hr, planned_on=HELD_ON,
                                              method=Inspection.Method.ON_SITE, place=PLACE)
    with story_moment(RECORDED):
        inspection = services.inspection_record(
            inspection=inspection, actor=hr, held_on=HELD_ON, method=Inspection.Method.ON_SITE, place=PLACE,
            inspectors="佐藤 花子、高橋 健（人材育成等担当課）",
            summary="分析室・保管庫・執務室を確認した。記録媒体の保管と受渡しの記録はおおむね適切。鍵の管理に改善を求めた。")
        for key, result, note in RESULTS:
            services.result_record(inspection=inspection, actor=hr, item_key=key, result=result, note=note)
        finding = services.finding_raise(inspection=inspection, actor=hr, text=FINDING, owner=manager,
                                         due_on=dt.date(2025, 12, 12), item_key="contractor.operational.10")
    with story_moment(RESPONDED):
        attachments.attach(target=finding, upload=SimpleUploadedFile("金庫と鍵の持出し簿.png", _photo()),
                           actor=manager, slot="response")
        services.finding_respond(finding=finding, actor=manager, response=RESPONSE)
    with story_moment(ACCEPTED):
        services.finding_accept(finding=finding, actor=hr)


def _this_year(contract: Contract, users) -> None:
    if contract.is_closed or Inspection.objects.filter(contract=contract).exists():
        return
    today = timezone.localdate()
    planned_on = min(max(today + dt.timedelta(days=30), contract.start_date), contract.end_date)
    if planned_on < today:
        return  # the year is over by the machine's clock: nothing left to plan
    hr = users["hr"]
    services.inspection_plan(contract=contract, actor=hr, planned_on=planned_on, method=Inspection.Method.REMOTE,
                             reason=REMOTE_REASON, place="パブリックタレントモビリティ株式会社 本社（オンライン）")
    for subcontractor in approved(contract).order_by("pk"):
        services.inspection_plan(contract=contract, actor=hr, planned_on=planned_on,
                                 method=Inspection.Method.ON_SITE, place=subcontractor.place,
                                 subcontractor=subcontractor)


def add_to_demo(world) -> None:
    _last_year(Contract.objects.get(pk=world.contract.pk), world.users)
    if world.current_contract is not None:
        _this_year(Contract.objects.get(pk=world.current_contract.pk), world.users)
