"""Every page of the permission matrix, as each role that may open it, at desktop (1280 px) and phone (390 px)
width, has no violation of WCAG 2.1 A/AA (nor of WCAG 2.2's target size) that axe-core finds (issue 14, E.19).

The pages are the matrix's rows that answer a GET with 200 (tests/matrix/), in the state the row's own
objects make (a handover in transit, a package built); a few states the matrix never builds (a checklist
side submitted for review, a page showing a message) are added here. Each row's objects are made inside a
transaction that is rolled back once its pages are scanned, as the matrix does, so every row sees the
world as built: the live server is given the test's in-memory SQLite connection for this test, so its
requests see what the transaction holds.

One browser, one context per role signed in once, pages visited one after the other; files (PDF, XLSX,
CSV) and POST-only URLs are not pages and are left out. The failure lists each violation by rule and page.
"""

import datetime as dt
import re
import time
from contextlib import contextmanager

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from django.db import transaction
from django.urls import reverse

from tests.checklist.helpers import attest_side, ensure_template, finalise_plan
from tests.factories import make_world
from tests.matrix import ROLES, Row, fresh, statuses
from tests.test_permission_matrix import ROWS

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# With WCAG 2.2's target size (2.5.8, at least 24 × 24 px or spaced as far apart), which 2.1 lacks.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_A_AA}, "rules": {"target-size": {"enabled": True}},
               "resultTypes": ["violations"]}

# Answers that are files or not for a browser: opened by a link, never shown as a page.
NOT_PAGES = {
    "audit:export", "audit:downloads_export", "checklist:export", "yearend:council_submission",
    "yearend:report_file", "engagement:package_download", "yearend:deletion_pdf", "handover:ledger_all_export",
    "handover:ledger_export", "operations:healthz", "yearend:copies_export", "attachments:download", "supervision:pdf",
    "register:export",
}


def _side_submitted(w):
    """Contract A's plan final (all ○) and the contractor's side filled in and submitted: HR reviews it."""
    from checklist import services

    finalise_plan(w)
    attest_side(w, "contractor", w.manager)
    services.side_submit(contract=w.contract, side="contractor", actor=w.manager)
    return {"slug": w.contract.slug, "side": "contractor"}


def _plan_final(w):
    finalise_plan(w)
    return {"slug": w.contract.slug}


def _hashed_disc_sent(w):
    """A disc with its file's SHA-256 delivered to the handler: the receipt shows the commands that compute it."""
    from handover import services
    from handover.models import Item, MediumKind

    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    disc = services.item_register(contract=w.contract, actor=w.hr, category=Item.Category.MEDIUM, medium_kind=kind,
                                  label="CD-2026-001", contents="職員属性・調査回答（暗号化済み）", record_count=3012,
                                  file_name="engagement-survey-package-fy2026-contract-a-encrypted.xlsx",
                                  sha256="ab" * 32)
    handover = services.handover_record(contract=w.contract, actor=w.hr, direction="delivery", recipient=w.handler,
                                        items=[disc])
    return {"slug": w.contract.slug, "pk": handover.pk}


def _contacts_filled(w):
    """Both organisations' emergency contacts written out, as the incident pages show them."""
    for org, name in ((w.ward, "人材育成等担当課 佐藤"), (w.contractor, "委託先A株式会社 情報セキュリティ管理責任者 田中")):
        org.emergency_contact_name = name
        org.emergency_contact_phone = "03-5273-0000"
        org.emergency_contact_email = "information-security-emergency-desk@contractor-a.example.co.jp"
        org.emergency_procedure = "1. 電話で第一報\n2. 事実関係の確認（媒体、件数、経緯）\n3. 報告書の提出"
        org.save()
    return {"slug": w.contract.slug}


def _inspection_with_files(w):
    """An inspection with two versions of its document: the page lists the files (attachments' table) above the
    form that adds the next version."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments import services
    from tests.supervision.helpers import plan

    inspection = plan(w)
    for data in (b"%PDF-1.7\n%%EOF\n", b"%PDF-1.7\n% v2\n%%EOF\n"):
        services.attach(target=inspection, upload=SimpleUploadedFile("実施計画.pdf", data), actor=w.hr, slot="record")
    return {"slug": w.contract.slug, "pk": inspection.pk}


def _inspection_held_with_a_finding(w):
    """An inspection held, an item examined and a finding: HR sees the results, the findings and their forms."""
    from supervision import services
    from tests.supervision.helpers import finding, held

    inspection = held(w)
    services.result_record(inspection=inspection, actor=w.hr, item_key="contractor.operational.10", result="improve",
                           note="鍵が机の上にあった")
    finding(w, inspection)
    return {"slug": w.contract.slug, "pk": inspection.pk}


def _finding_answered_with_a_photo(w):
    """A finding answered with a photo: HR reviews it (accept or send back), everyone sees the files."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments import services
    from tests.supervision.helpers import finding, respond

    found = finding(w)
    services.attach(target=found, upload=SimpleUploadedFile("cabinet.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 48),
                    actor=w.manager, slot="response")
    respond(w, found)
    return {"slug": w.contract.slug, "pk": found.inspection_id, "number": found.number}


def _status_report_sent_back_with_a_file(w):
    """May's status report submitted with a file and sent back: the manager sees the reason, the file and the form
    to submit again."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from statusreports import services
    from statusreports.models import StatusReport

    services.scheduled_reports_sync(contract=w.contract)
    report = StatusReport.objects.filter(contract=w.contract).order_by("due_on").first()
    report = services.report_submit(report=report, actor=w.manager, text="5月は準備のみ",
                                    upload=SimpleUploadedFile("5月分.pdf", b"%PDF-1.7\n%%EOF\n"))
    services.report_send_back(report=report, actor=w.hr, reason="保管場所の点検結果がない")
    return {"slug": w.contract.slug, "pk": report.pk}


def _structure_report_submitted(w):
    """A management-structure report waiting for HR: the people, the files and the decision form."""
    from statusreports import services

    report = services.structure_create(contract=w.contract, actor=w.manager, effective_on=dt.date(2025, 5, 9),
                                       changes="契約締結時の体制")
    services.structure_submit(report=report, actor=w.manager, effective_on=report.effective_on,
                              changes=report.changes)
    return {"slug": w.contract.slug, "pk": report.pk}


def _environment_profile_submitted(w):
    """The contractor's environment profile submitted, with a certificate and its scan and a log analysis: HR sees
    every section and the decision form."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from environment import services
    from tests.environment.helpers import certificate, filled, report

    profile = filled(w)
    certificate(w, profile, upload=SimpleUploadedFile("ISMS登録証.pdf", b"%PDF-1.7\n%%EOF\n"))
    report(w, profile, "log_analysis", dt.date(2026, 2, 10))
    services.profile_submit(profile=profile, actor=w.manager)
    return {"pk": profile.pk}


def _records_filled(w):
    """Items 01, 05, 12 and 13's records: every kind of confirmation, one with its document, and a change of
    measures still waiting for its consultation (its form shown)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from checklist import records

    day = dt.date(2025, 4, 20)
    for kind, side, actor, extra in (
            ("special_terms", "ward", w.hr, {"reference": "令和7年4月1日版",
                                             "upload": SimpleUploadedFile("特記事項.pdf", b"%PDF-1.7\n%%EOF\n")}),
            ("cloud", "contractor", w.manager, {"cloud_used": False}),
            ("flow_shared", "ward", w.hr, {"reference": "第1版"}),
            ("flow_acknowledged", "contractor", w.manager, {"reference": "第1版"}),
            ("emergency", "ward", w.hr, {}), ("emergency", "contractor", w.manager, {})):
        records.confirmation_record(contract=w.contract, kind=kind, side=side, confirmed_on=day, actor=actor, **extra)
    records.measure_change_record(contract=w.contract, changed_on=dt.date(2025, 7, 1), what="ウイルス対策ソフトを変更した",
                                  actor=w.manager)
    return {"slug": w.contract.slug}


def _evidence_answered_with_a_file(w):
    """An evidence request answered with a photo: HR sees the answer, the file and the decision form."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from checklist import records
    from tests.checklist.helpers import item

    finalise_plan(w)
    row = records.evidence_request_create(item=item(w, "contractor.operational.10"), asked="保管庫の施錠を示す写真",
                                          due_on=timezone.localdate(), actor=w.hr)
    records.evidence_request_answer(request_row=row, answer="キャビネットB-2の施錠写真です", actor=w.manager,
                                    upload=SimpleUploadedFile("施錠.pdf", b"%PDF-1.7\n%%EOF\n"))
    return {"slug": w.contract.slug, "pk": row.pk}


def _subcontractor_refused(w):
    """An application for a subcontractor refused by HR, with its reason, beside the declaration's history."""
    from contracts import services
    from tests.matrix.contracts import APPLICATION

    sub = services.subcontractor_apply(contract=w.contract, actor=w.manager, submit=True, **APPLICATION)
    services.subcontractor_refuse(subcontractor=sub, actor=w.hr, reason="国外のクラウドで保管するため")
    return {"slug": w.contract.slug, "pk": sub.pk}


def _contract_records_with_files(w):
    """The handler's 誓約書 and a subcontracting application's document, on the contract's records page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments import services as attachments
    from contracts import services
    from tests.matrix.contracts import APPLICATION

    pdf = b"%PDF-1.7\n%%EOF\n"
    attachments.attach(target=w.contract.designations.get(user=w.handler), actor=w.handler, slot="pledge",
                       upload=SimpleUploadedFile("誓約書.pdf", pdf, content_type="application/pdf"))
    sub = services.subcontractor_apply(contract=w.contract, actor=w.manager, submit=False, **APPLICATION)
    attachments.attach(target=sub, actor=w.manager,
                       upload=SimpleUploadedFile("再委託契約書.pdf", pdf, content_type="application/pdf"))
    return {"slug": w.contract.slug}


def _transfer_acknowledged(w):
    """A 印刷・封入封緘 contract's data sent over LGWAN and acknowledged by the handler."""
    from handover import services
    from handover.models import OnlineTransfer
    from tests.matrix.handover import transfer

    kwargs = transfer(w)
    services.transfer_acknowledge(transfer=OnlineTransfer.objects.get(pk=kwargs["pk"]), actor=w.handler,
                                  confirmed=True)
    return kwargs


def _register_with_attention(w):
    """Contract A with an inspection past its planned day and an open incident due to the Commission: the register
    shows its counts, the nearest deadline and the totals."""
    from django.utils import timezone

    from incidents import services as incident_services
    from supervision import services as supervision_services

    supervision_services.inspection_plan(contract=w.contract, actor=w.hr, planned_on=dt.date(2026, 1, 15),
                                         method="on_site", place="委託先 本社")
    incident_services.incident_report(contract=w.contract, actor=w.hr, kind="loss", other_data=True,
                                      discovered_at=timezone.now() - dt.timedelta(hours=2), affected_count=1500,
                                      description="名簿の一部が見当たらない")
    return {}


HIDDEN = {"outsider": 404, "other": 404}
# States the matrix never builds, with the roles that see them.
EXTRA_ROWS = [
    Row("checklist:side", kwargs=_side_submitted, get=statuses(200, manager=200, **HIDDEN), post={}),
    Row("checklist:overview", kwargs=_plan_final, get=statuses(200, **HIDDEN), post={}),
    Row("handover:handover_detail", kwargs=_hashed_disc_sent, get=statuses(200, **HIDDEN), post={}),
    Row("incidents:report", kwargs=_contacts_filled, get=statuses(200, auditor=403, **HIDDEN), post={}),
    Row("statusreports:detail", kwargs=_status_report_sent_back_with_a_file, get=statuses(200, **HIDDEN), post={}),
    Row("statusreports:structure_detail", kwargs=_structure_report_submitted, get=statuses(200, **HIDDEN), post={}),
    Row("supervision:detail", kwargs=_inspection_with_files, get=statuses(200, **HIDDEN), post={}),
    Row("supervision:detail", kwargs=_inspection_held_with_a_finding, get=statuses(200, **HIDDEN), post={}),
    Row("supervision:finding", kwargs=_finding_answered_with_a_photo, get=statuses(200, **HIDDEN), post={}),
    Row("environment:profile", kwargs=_environment_profile_submitted, get=statuses(200, **HIDDEN), post={}),
    Row("checklist:records", kwargs=_records_filled, get=statuses(200, **HIDDEN), post={}),
    Row("checklist:request_detail", kwargs=_evidence_answered_with_a_file, get=statuses(200, **HIDDEN), post={}),
    Row("contracts:subcontractor", kwargs=_subcontractor_refused, get=statuses(200, **HIDDEN), post={}),
    Row("attachments:contract_records", kwargs=_contract_records_with_files, get=statuses(200, **HIDDEN), post={}),
    Row("handover:transfer_detail", kwargs=_transfer_acknowledged, get=statuses(200, **HIDDEN), post={}),
    Row("register:list", kwargs=_register_with_attention, get=statuses(403, hr=200, auditor=200), post={}),
]
# GETs that send HR on to a page with a message (a flash): the page it lands on is scanned.
FLASHING = {"contracts:start", "yearend:reopen"}


def _visits(row: Row) -> list[str]:
    """The roles that open the row's page (or land on a page with a message)."""
    if row.name in NOT_PAGES:
        return []
    wanted = (200, 302) if row.name in FLASHING else (200,)
    return [role for role in ROLES if row.get.get(role) in wanted and not (role == "anon" and row.get[role] != 200)]


@pytest.fixture
def shared_connection(live_server):
    """The live server's requests use this thread's connection (pytest-django shares it only when the
    database is in memory when the server starts, which is before the test database exists)."""
    from django.db import connections

    connection = connections["default"]
    if not connection.is_in_memory_db():
        pytest.skip("the rows' objects are rolled back: needs the in-memory SQLite test database")
    overrides = live_server.thread.connections_override
    shared = "default" not in overrides
    if shared:
        connection.inc_thread_sharing()
        overrides["default"] = connection
    yield
    if shared:
        del overrides["default"]
        connection.dec_thread_sharing()


@contextmanager
def rolled_back():
    atomic = transaction.atomic()
    # Marked as Django's TestCase marks its own, so code under test may still open a durable block.
    atomic._from_testcase = True
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _violations(page) -> list[str]:
    found = []
    for violation in page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        more = f" (+{len(violation['nodes']) - 3})" if len(violation["nodes"]) > 3 else ""
        found.append(f"{violation['id']} ({violation['impact']}): {targets}{more}")
    return found


def test_every_page_has_no_wcag_21_violation_for_any_role_at_any_width(chromium, live_server, shared_connection,
                                                                     sign_in):
    started = time.monotonic()
    ensure_template()
    world = make_world()
    pages, contexts = {}, []
    for role in ROLES:
        context = chromium.new_context(base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo")
        context.set_default_timeout(15_000)
        contexts.append(context)
        pages[role] = page = context.new_page()
        if world.user(role) is not None:
            sign_in(page, world.user(role))
        # Loaded into every page before its own scripts, so the scan itself only runs the rules.
        context.add_init_script(path=str(AXE_FILE_PATH))

    problems, scanned = [], []
    try:
        for row in [*ROWS, *EXTRA_ROWS]:
            roles = _visits(row)
            if not roles:
                continue
            with rolled_back():
                url = reverse(row.name, kwargs=row.kwargs(fresh(world))) + row.query
                for role in roles:
                    page = pages[role]
                    page.set_viewport_size(WIDTHS["desktop"])
                    response = page.goto(url)
                    assert response.ok and response.headers["content-type"].startswith("text/html"), (
                        f"GET {url} as {role}: {response.status} {response.headers['content-type']}")
                    landed = page.url.removeprefix(live_server.url)
                    # The page's layout follows the width through CSS alone: the phone scan is of the same
                    # page (a flash message shown once is still there), narrowed.
                    for width, viewport in WIDTHS.items():
                        page.set_viewport_size(viewport)
                        scanned.append((url, role, width))
                        where = f"{url}{f' → {landed}' if landed != url else ''} as {role} at {width}"
                        problems += [f"{violation} — {where}" for violation in _violations(page)]
    finally:
        for context in contexts:
            context.close()

    print(f"\naxe: {len(scanned)} scans (page × role × width) in {time.monotonic() - started:.0f} s")
    problems.sort()
    assert not problems, f"{len(problems)} accessibility violations (rule, where, page):\n" + "\n".join(problems)


def named(words: str, which: str) -> re.Pattern:
    """The whole accessible name: what the eye reads, then (hidden from the eye) which one it is."""
    return re.compile(rf"^{re.escape(words)}\s*（{re.escape(which)}）$")


def test_each_review_button_and_comment_box_names_its_item(new_page, sign_in):
    """HR reviews the contractor's 24 items: a screen reader's list of buttons or fields tells them apart."""
    from checklist.models import ChecklistItem

    ensure_template()
    world = make_world()
    _side_submitted(world)
    labels = [item.template_item.label for item in ChecklistItem.objects.filter(
        checklist__contract=world.contract, template_item__side="contractor").select_related("template_item")]
    assert len(labels) == 24
    page = sign_in(new_page(), world.hr)
    page.goto(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "contractor"}))
    for label in labels:
        assert page.get_by_role("button", name=named("確認済みにする", label)).count() == 1, label
        assert page.get_by_role("button", name=named("差し戻す", label)).count() == 1, label
        assert page.get_by_label(named("コメント（差し戻すときは必須）", label)).count() == 1, label
    # What the eye sees is unchanged: the button still reads 確認済みにする.
    shown = page.get_by_role("button", name=named("確認済みにする", labels[0])).evaluate(
        "b => [...b.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('')")
    assert shown == "確認済みにする"


def test_each_checklist_export_link_names_its_side(new_page, sign_in):
    ensure_template()
    world = make_world()
    _plan_final(world)
    page = sign_in(new_page(), world.hr)
    page.goto(reverse("checklist:overview", kwargs={"slug": world.contract.slug}))
    for side in ("区が行う対策", "委託事業者に行わせる対策", "両方"):
        for kind in ("PDF", "Excel（XLSX）"):
            assert page.get_by_role("link", name=named(kind, side)).count() == 1, (kind, side)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_mapping_page_selects_and_checkboxes_are_at_least_24_px(new_page, sign_in, width):
    """WCAG 2.2, 2.5.8: every role select, value field and 必須 checkbox of the mapping is a 24 × 24 px target."""
    from tests.engagement import web

    world = make_world()
    upload = web.uploaded(world)
    page = sign_in(new_page(viewport=WIDTHS[width]), world.hr)
    page.goto(reverse("engagement:mapping", kwargs={"slug": world.contract.slug, "pk": upload.pk}))
    controls = page.locator("table.survey-mapping select, table.survey-mapping input:not([type=hidden])")
    assert controls.count() >= 3 * len(web.SURVEY_HEADERS)
    small = []
    for control in controls.all():
        box = control.bounding_box()
        if box["width"] < 24 or box["height"] < 24:
            small.append(f"{control.get_attribute('name')}: {box['width']:.0f}×{box['height']:.0f}")
    assert not small, small


def test_the_import_pages_have_no_wcag_21_violation_for_an_administrator(new_page, sign_in, tmp_path):
    """The bulk import (imports/) is an administrator's, whom no role of the matrix is: its pages are scanned here,
    the upload page, a preview listing row errors and a preview of a valid file, at both widths."""
    from contracts.models import Organisation
    from tests.imports.helpers import CONTRACT_HEADERS, administrator, contract_row, xlsx_bytes

    world = make_world()
    Organisation.objects.filter(pk=world.ward.pk).update(code="jinji")
    page = sign_in(new_page(), administrator(world))
    page.context.add_init_script(path=str(AXE_FILE_PATH))
    problems = []

    def scan(where):
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            problems.extend(f"{violation} — {where} at {width}" for violation in _violations(page))

    page.goto(reverse("imports:index"))
    scan("imports:index")
    for name, rows in (("errors", [contract_row(1, 年度="20260"), contract_row(2, 終了日="2026-01-01")]),
                       ("valid", [contract_row(1), contract_row(2)])):
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(xlsx_bytes(CONTRACT_HEADERS, rows))
        page.goto(reverse("imports:index"))
        page.get_by_label("委託契約").check()
        page.get_by_label("ファイル").set_input_files(str(path))
        page.get_by_role("button", name="アップロードして確かめる").click()
        page.get_by_role("heading", level=1, name="取込の確認: 委託契約").wait_for()
        scan(f"imports:preview ({name})")
    assert not problems, "\n".join(problems)


def test_the_online_transfer_pages_have_no_wcag_21_violation(new_page, sign_in):
    """The transfers of a 印刷・封入封緘 contract: HR's list with its form, and the handler's acknowledgement
    page with its box, at both widths (the full walk above scans them for every role too)."""
    from handover.models import OnlineTransfer
    from tests.matrix.handover import transfer

    ensure_template()
    world = make_world()
    kwargs = transfer(world)
    problems = []
    for user, url in ((world.hr, reverse("handover:transfers", kwargs={"slug": kwargs["slug"]})),
                      (world.handler, reverse("handover:transfer_detail", kwargs=kwargs))):
        page = sign_in(new_page(), user)
        page.context.add_init_script(path=str(AXE_FILE_PATH))
        page.goto(url)
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            problems.extend(f"{violation} — {url} at {width}" for violation in _violations(page))
    assert OnlineTransfer.objects.filter(acknowledged_at__isnull=True).count() == 1
    assert not problems, "\n".join(problems)


def test_the_register_and_a_contractors_page_have_no_wcag_21_violation(new_page, sign_in):
    """The privacy office's register with counts, deadlines, totals and the annual summary, a bad filter's error,
    and a contractor's page, at both widths (the full walk above scans them for every role too)."""
    ensure_template()
    world = make_world()
    _register_with_attention(world)
    problems = []
    page = sign_in(new_page(), world.privacy)
    page.context.add_init_script(path=str(AXE_FILE_PATH))
    for url in (reverse("register:list"), reverse("register:list") + "?fiscal_year=20260&state=x",
                reverse("register:contractor", kwargs={"pk": world.contractor.pk})):
        page.goto(url)
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            problems.extend(f"{violation} — {url} at {width}" for violation in _violations(page))
    assert not problems, "\n".join(problems)


def test_the_checklist_template_pages_have_no_wcag_21_violation_for_an_administrator(new_page, sign_in):
    """The walk above scans the matrix's roles, none of which is an administrator (管理者): the checklist's
    template pages are scanned here, in each of their states (the list, the import with row errors and its
    preview, a draft with its publish form, a published version), at 1280 and 390 px."""
    from django.contrib.auth.models import Group

    from checklist import services, template_import
    from checklist.apps import ensure_admin_group
    from checklist.models import ChecklistTemplate
    from contracttypes.models import ContractType
    from tests.browser.test_template_import_journey import FIXTURE
    from tests.checklist.test_template_import import fixture_rows, xlsx
    from tests.factories import make_user

    ensure_template()
    world = make_world()
    printing = ContractType.objects.get_or_create(code="printing", defaults={"name": "印刷・封入封緘"})[0]
    admin = make_user("kanri", world.ward, display_name="管理 太郎")
    admin.groups.add(Group.objects.get_or_create(name="管理者")[0])
    ensure_admin_group()
    read = template_import.read_items(FIXTURE.read_bytes())
    draft = services.template_draft(contract_type=printing, read=read, title="印刷・封入封緘", actor=admin)
    rows = fixture_rows()
    rows[5] = (*rows[5][:5], "ward.operational.99")
    bad = xlsx(rows)
    page = sign_in(new_page(viewport=WIDTHS["desktop"]), admin)
    page.context.add_init_script(path=str(AXE_FILE_PATH))
    problems = []

    def scan(where):
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            problems.extend(f"{v} — {where} at {width}" for v in _violations(page))

    page.goto(reverse("checklist:template_list"))
    scan("list")
    page.goto(reverse("checklist:template_detail", args=[draft.pk]))
    scan("draft")
    page.goto(reverse("checklist:template_detail", args=[ChecklistTemplate.objects.get(version=1, contract_type=None).pk]))
    scan("published")
    page.goto(reverse("checklist:template_import"))
    scan("import")
    page.get_by_label("ひな形の Excel ファイル（.xlsx）").set_input_files(
        files=[{"name": "ひな形.xlsx", "mimeType": "application/octet-stream", "buffer": bad}])
    page.get_by_role("button", name="読み取って確かめる").click()
    page.locator("#row-errors").wait_for()
    scan("import with row errors")
    assert not problems, "\n".join(problems)
