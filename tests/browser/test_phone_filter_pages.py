"""Issue 14 E.17: the 契約 filter of the audit log, the output history and the ledger across contracts fits a
390px phone, even when a contract's name is long; and the deletion report's review keeps the names of who did
and who checked each deletion on one line."""

import pytest
from django.utils import timezone

from handover import services
from handover.models import Item, MediumKind
from tests.factories import make_world
from yearend import deletion
from yearend.models import DeletionReport

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
LONG_TITLE = "職員エンゲージメント調査の回答集計・分析及び報告書作成業務委託（総務部人材育成等担当課）"


def assert_fits(page, name):
    # A mobile browser widens its layout viewport to a page that is too wide (innerWidth grows with it), so the
    # page is measured against the phone's 390px.
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= 390 and inner <= 390, f"{name}: the page is {width}px wide on a 390px phone"
    select = page.get_by_label("契約", exact=True)
    box = select.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)


def test_the_contract_filter_fits_a_phone(new_page, sign_in):
    world = make_world()
    world.contract.title = LONG_TITLE
    world.contract.save(update_fields=["title"])
    page = sign_in(new_page(**PHONE), world.auditor)
    for url in ("/audit/", "/audit/downloads/", "/handover/"):
        page.goto(url)
        assert_fits(page, url)


def lines(locator) -> int:
    """How many lines the text of a cell takes (a cell is as tall as its row, so its text is measured)."""
    return locator.evaluate("""e => { const r = document.createRange(); r.selectNodeContents(e);
        return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; }""")


def test_the_deletion_review_names_who_did_it_on_one_line(new_page, sign_in):
    world = make_world()
    kind, _ = MediumKind.objects.get_or_create(name="CD-R", defaults={"destroy_only": True})
    disc = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=kind, label="CD-2025-001", contents="職員属性・調査回答（暗号化済み）")
    handover = services.handover_record(contract=world.contract, actor=world.hr, direction="delivery",
                                        recipient=world.handler, items=[disc])
    services.handover_acknowledge(handover=handover, actor=world.handler, time_confirmed=True)
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    line = report.lines.get()
    deletion.deletion_line_save(line=line, actor=world.manager, method_type="destroy", method="破砕機による粉砕",
                               tool="光ディスク破砕機", tool_version="DS-300", performed_on=timezone.localdate(),
                               performer=world.handler, verifier=world.manager, verification="破片を目視で確認",
                               certificate="PTM-DS-0001", witnessed=True)
    deletion.deletion_report_submit(report=report, actor=world.manager)
    assert DeletionReport.objects.get().is_submitted

    page = sign_in(new_page(viewport={"width": 1280, "height": 900}), world.hr)
    page.goto(f"/handover/{world.contract.slug}/deletion/{report.pk}/")
    for label in ("実施者", "確認者"):
        cell = page.locator(f"table.deletion-lines td[data-label='{label}']").first
        assert lines(cell) == 1, (label, lines(cell))
        header = page.locator("table.deletion-lines th", has_text=label).first
        assert lines(header) == 1, (label, lines(header))
