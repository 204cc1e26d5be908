"""Checklist templates per contract type, imported from the ward's Excel (issue 17, point 4): an administrator
uploads an XLSX, sees the items as they will read with an error per row (nothing written until the whole file is
valid), publishes it as a new version; a contract uses the version in force when its plan was made; items are
backed by a record key or by attestation with files."""

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from checklist import services, template_import
from checklist.models import ChecklistItem, ChecklistTemplate, Mark, TemplateItem
from contracts.models import Contract
from contracttypes.models import ContractType
from core.errors import DomainError
from tests.checklist.helpers import SEED_KEYS, SEED_TEXTS, squash
from tests.factories import login_verified, make_user

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "checklist_printing.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fixture_rows() -> list[tuple]:
    sheet = load_workbook(FIXTURE, read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "項目"
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def printing():
    return ContractType.objects.create(code="printing", name="印刷・封入封緘")


@pytest.fixture
def admin(world):
    user = make_user("kanri", world.ward, display_name="管理 太郎")
    user.groups.add(Group.objects.get(name="管理者"))
    return user


def post_import(client, data: bytes, *, contract_type="", name="ひな形.xlsx", title="印刷・封入封緘チェックリスト"):
    return client.post(reverse("checklist:template_import"), {
        "contract_type": contract_type, "title": title, "subtitle": "", "change_note": "印刷業務用に作成",
        "file": SimpleUploadedFile(name, data, content_type=XLSX_TYPE)})


def printing_contract(world, printing) -> Contract:
    Contract.objects.filter(pk=world.other_contract.pk).update(contract_type=printing)
    return Contract.objects.get(pk=world.other_contract.pk)


def publish_printing(client, printing) -> ChecklistTemplate:
    response = post_import(client, FIXTURE.read_bytes(), contract_type=str(printing.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ChecklistTemplate.objects.get(contract_type=printing)
    assert client.post(reverse("checklist:template_publish", args=[draft.pk]), {"confirm": "on"}).status_code == 302
    draft.refresh_from_db()
    return draft


# Reading the file.

def test_the_printing_fixture_holds_thirty_items_in_four_groups():
    read = template_import.read_items(FIXTURE.read_bytes())
    assert read.valid and len(read.items) == 30
    groups = {(side, section): len(items) for side, sections in read.grouped() for section, items in sections}
    assert groups == {("区が行う対策", "運用上の対策"): 9, ("区が行う対策", "システム上の対策"): 3,
                      ("委託事業者に行わせる対策", "運用上の対策"): 12, ("委託事業者に行わせる対策", "システム上の対策"): 6}
    assert sum(1 for item in read.items if not item.backing) == 7
    assert {item.key for item in read.items} >= {"printing.ward.operational.01", "printing.contractor.system.06"}


def test_each_kind_of_row_error_is_named_by_row_and_column():
    rows = fixture_rows()
    rows[2] = (rows[2][0], "委託先", *rows[2][2:])                                # bad side
    rows[3] = (*rows[3][:3], rows[1][3], *rows[3][4:])                           # duplicate key (row 2's)
    rows[4] = (*rows[4][:4], "", rows[4][5])                                     # empty wording
    rows[5] = (*rows[5][:5], "ward.operational.99")                              # unknown backing key
    rows[6] = (*rows[6][:3], "Printing Ward 1", *rows[6][4:])                    # a key that cannot be one
    read = template_import.read_items(xlsx(rows))
    found = {(e.row, e.column) for e in read.errors}
    assert found == {(3, "側"), (4, "キー"), (5, "文言"), (6, "裏付け"), (7, "キー")}
    messages = {e.row: e.message for e in read.errors}
    assert "2行目と重複" in messages[4] and "ward.operational.99" in messages[6]
    assert not read.valid


def test_an_item_cannot_be_backed_by_a_record_of_the_other_side():
    rows = fixture_rows()
    ward = next(i for i, row in enumerate(rows) if row[1] == "区" and row[5] and row[5] != template_import.ATTESTATION)
    contractor = next(i for i, row in enumerate(rows)
                      if row[1] == "事業者" and row[5] and row[5] != template_import.ATTESTATION)
    rows[ward] = (*rows[ward][:5], "contractor.operational.03")
    rows[contractor] = (*rows[contractor][:5], "ward.system.06")
    read = template_import.read_items(xlsx(rows))
    assert {(e.row, e.column) for e in read.errors} == {(ward + 1, "裏付け"), (contractor + 1, "裏付け")}
    messages = {e.row: e.message for e in read.errors}
    assert "事業者の項目の記録" in messages[ward + 1] and "区の項目の記録" in messages[contractor + 1]
    assert not read.valid


@pytest.mark.parametrize("data, words", [
    (b"key,text\nprinting.1,x\n", "Excel のファイル（.xlsx）ではありません"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "古い形式"),
    (b"", "ファイルが空です"),
])
def test_a_file_that_is_not_an_xlsx_is_refused_in_japanese(data, words):
    with pytest.raises(DomainError) as refused:
        template_import.read_items(data)
    assert words in refused.value.message and refused.value.field == "file"


def test_a_zip_bomb_is_refused_before_it_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(DomainError) as refused:
        template_import.read_items(out.getvalue())
    assert "大きすぎる" in refused.value.message


def test_a_sheet_without_the_columns_says_which_are_missing():
    with pytest.raises(DomainError) as refused:
        template_import.read_items(xlsx([("区分", "側", "番号", "文言"), ("運用上の対策", "区", 1, "x")]))
    assert "キー" in refused.value.message and "裏付け" in refused.value.message


# The pages.

@pytest.mark.django_db
def test_an_error_in_row_37_writes_nothing_and_names_the_row(client, world, admin, printing):
    rows = fixture_rows()
    # 40 items: the fixture's 30 and ten more on the contractor's operational side.
    for n in range(13, 23):
        rows.append(("運用上の対策", "事業者", n, f"printing.contractor.operational.{n:02d}", f"追加の項目 {n}",
                     "添付による証明"))
    assert rows[36][3] == "printing.contractor.operational.18"  # rows[0] is the header, row 1
    rows[36] = (*rows[36][:5], "contractor.operational.77")
    login_verified(client, admin)
    templates, items, entries = ChecklistTemplate.objects.count(), TemplateItem.objects.count(), AuditEntry.objects.count()
    response = post_import(client, xlsx(rows), contract_type=str(printing.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "37行目" in page and "contractor.operational.77" in page and "何も保存していません" in page
    assert (ChecklistTemplate.objects.count(), TemplateItem.objects.count(), AuditEntry.objects.count()) == \
        (templates, items, entries)


@pytest.mark.django_db
def test_an_administrator_imports_previews_and_publishes_a_version_for_a_type(client, world, admin, printing):
    login_verified(client, admin)
    assert client.get(reverse("checklist:template_import")).status_code == 200
    response = post_import(client, FIXTURE.read_bytes(), contract_type=str(printing.pk))
    assert response.status_code == 302
    draft = ChecklistTemplate.objects.get(contract_type=printing)
    assert (draft.version, draft.status, draft.items.count()) == (1, ChecklistTemplate.Status.DRAFT, 30)
    assert AuditEntry.objects.filter(action="checklist.template.drafted").count() == 1
    contract = printing_contract(world, printing)
    # A draft is not used: the contract would still start on the default (the seed's).
    assert services.template_for(contract).contract_type is None
    page = client.get(response["Location"]).content.decode()
    assert "宛名と封入物の一致" in page and "添付による証明" in page and "この版を公開する" in page
    assert client.post(reverse("checklist:template_publish", args=[draft.pk]), {}).status_code == 400
    assert client.post(reverse("checklist:template_publish", args=[draft.pk]), {"confirm": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert AuditEntry.objects.filter(action="checklist.template.published").count() == 1
    assert services.template_for(contract) == draft
    # The seed's contract keeps the default, word for word.
    assert services.template_for(world.contract).version == 1
    assert [t.text for t in services.template_for(world.contract).items.order_by("position")] == SEED_TEXTS
    listing = client.get(reverse("checklist:template_list")).content.decode()
    assert "印刷・封入封緘" in listing and "現在使われる版" in listing


@pytest.mark.django_db
def test_only_an_administrator_may_import(client, world, admin):
    for user in (world.hr, world.auditor, world.manager):
        login_verified(client, user)
        assert client.get(reverse("checklist:template_import")).status_code == 403
        assert post_import(client, FIXTURE.read_bytes()).status_code == 403
    assert not ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.DRAFT).exists()
    with pytest.raises(PermissionDenied):
        services.template_draft(contract_type=None, read=template_import.read_items(FIXTURE.read_bytes()),
                                title="x", actor=world.hr)


@pytest.mark.django_db
def test_a_text_file_uploaded_as_a_template_is_refused_at_the_field(client, world, admin):
    login_verified(client, admin)
    response = post_import(client, "区分,側\n".encode(), name="ひな形.csv")
    assert response.status_code == 400
    assert "Excel のファイル（.xlsx）ではありません" in response.content.decode()
    assert not ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.DRAFT).exists()


# Versions in force.

@pytest.mark.django_db
def test_a_contract_planned_before_a_new_version_keeps_its_version(client, world, admin):
    """Journeys (Ms. Ito): the ward adds an item on generative AI services; the administrator imports the new
    version from Excel; contracts planned before keep the version they were planned with."""
    services.plan_save(contract=world.contract, marks={}, actor=world.hr)  # planned on v1
    rows = [("区分", "側", "番号", "キー", "文言", "裏付け")]
    from checklist.fixture import iter_items, read_fixture

    for side, section, number, _position, item in iter_items(read_fixture()):
        rows.append(("運用上の対策" if section == "operational" else "システム上の対策",
                     "区" if side == "ward" else "事業者", number, item["key"], item["text"], item["key"]))
    rows.append(("運用上の対策", "事業者", 14, "contractor.operational.14",
                 "生成AIサービスを利用する場合は、個人情報を入力させず、利用するサービスと利用の範囲を区に報告させる。",
                 "添付による証明"))
    login_verified(client, admin)
    response = post_import(client, xlsx(rows), title="業務委託にかかる個人情報保護対策チェックリスト")
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = ChecklistTemplate.objects.get(status=ChecklistTemplate.Status.DRAFT)
    assert (draft.contract_type, draft.version) == (None, 2)
    client.post(reverse("checklist:template_publish", args=[draft.pk]), {"confirm": "on"})
    services.plan_save(contract=world.other_contract, marks={}, actor=world.hr)  # planned after v2
    world.contract.refresh_from_db()
    world.other_contract.refresh_from_db()
    assert world.contract.checklist.template.version == 1
    assert world.contract.checklist.items.count() == 48
    assert services.template_for(world.contract).version == 1
    assert world.other_contract.checklist.template.version == 2
    assert world.other_contract.checklist.items.count() == 49
    assert world.other_contract.checklist.items.filter(template_item__key="contractor.operational.14").exists()
    # The seed's items of v2 keep their keys (and so their records).
    assert set(SEED_KEYS) < set(draft.items.values_list("key", flat=True))


@pytest.mark.django_db
def test_a_type_without_its_own_version_uses_the_default(world, printing):
    contract = printing_contract(world, printing)
    services.plan_save(contract=contract, marks={}, actor=world.hr)
    assert contract.checklist.template.contract_type is None and contract.checklist.template.version == 1


# Items on a printing contract.

@pytest.fixture
def printing_plan(client, world, admin, printing):
    login_verified(client, admin)
    template = publish_printing(client, printing)
    contract = printing_contract(world, printing)
    marks = {key: (Mark.PLANNED, "") for key in template.items.values_list("key", flat=True)}
    services.plan_save(contract=contract, marks=marks, actor=world.hr)
    services.plan_finalise(contract=contract, actor=world.hr)
    client.logout()
    return contract


@pytest.mark.django_db
def test_an_attestation_with_files_item_needs_a_file_before_it_is_in_place(world, printing_plan):
    from attachments.services import attach

    item = ChecklistItem.objects.get(checklist__contract=printing_plan,
                                     template_item__key="printing.contractor.operational.08")
    assert item.template_item.needs_files
    with pytest.raises(DomainError) as refused:
        services.item_attest(item=item, attestation=ChecklistItem.Attestation.IN_PLACE, note="二名で照合",
                             actor=world.other_manager)
    assert "資料を1件以上添付" in refused.value.message
    item.refresh_from_db()
    assert not item.is_attested
    attach(target=item, upload=SimpleUploadedFile("照合記録.pdf", PDF), actor=world.other_manager,
           slot="attestation")
    services.item_attest(item=item, attestation=ChecklistItem.Attestation.IN_PLACE, note="二名で照合",
                         actor=world.other_manager)
    item.refresh_from_db()
    assert item.is_in_place
    # An item backed by a record needs no file.
    backed = ChecklistItem.objects.get(checklist__contract=printing_plan,
                                       template_item__key="printing.contractor.operational.06")
    services.item_attest(item=backed, attestation=ChecklistItem.Attestation.IN_PLACE, note="管理簿に記載",
                         actor=world.other_manager)


@pytest.mark.django_db
def test_items_backed_by_a_record_key_show_that_record(client, world, printing_plan):
    from checklist import selectors

    view = selectors.side_view(printing_plan, "contractor")
    rows = {row.key: row for row in view.rows}
    assert len(view.rows) == 18
    # printing.contractor.operational.02 is backed by contractor.operational.04: the designations.
    assert any("取扱責任者" in e.summary for e in rows["printing.contractor.operational.02"].evidence)
    assert rows["printing.contractor.operational.08"].evidence == []
    login_verified(client, world.hr)
    page = client.get(reverse("checklist:side", args=[printing_plan.slug, "contractor"])).content.decode()
    assert "宛名と封入物の一致" in page


@pytest.mark.django_db
def test_the_checklist_pdf_of_a_printing_contract_prints_its_thirty_items(client, world, printing_plan):
    from tests.checklist.test_exports import pdf_text

    login_verified(client, world.hr)
    response = client.get(reverse("checklist:export", args=[printing_plan.slug, "both", "pdf"]))
    assert response.status_code == 200
    text = squash(pdf_text(response.content))
    read = template_import.read_items(FIXTURE.read_bytes())
    missing = [item.key for item in read.items if squash(item.text) not in text]
    assert not missing
    assert squash(SEED_TEXTS[2]) not in text  # not the seed's items


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [
    ("title", "あ" * 10_000), ("subtitle", "あ" * 10_000), ("change_note", "あ" * 10_000),
    ("contract_type", "9223372036854775808"), ("title", ""),
])
def test_the_import_form_refuses_extreme_values_at_the_field(client, world, admin, field, value):
    login_verified(client, admin)
    data = {"contract_type": "", "title": "表題", "subtitle": "", "change_note": "",
            "file": SimpleUploadedFile("ひな形.xlsx", FIXTURE.read_bytes(), content_type=XLSX_TYPE), field: value}
    before = (ChecklistTemplate.objects.count(), TemplateItem.objects.count())
    response = client.post(reverse("checklist:template_import"), data)
    assert response.status_code == 400
    assert (ChecklistTemplate.objects.count(), TemplateItem.objects.count()) == before


@pytest.mark.django_db
def test_a_wording_too_long_is_refused_at_its_row(client, world, admin):
    rows = fixture_rows()
    rows[10] = (*rows[10][:4], "あ" * 10_000, rows[10][5])
    login_verified(client, admin)
    response = post_import(client, xlsx(rows))
    assert response.status_code == 400
    assert "11行目" in response.content.decode() and "文言が長すぎます" in response.content.decode()
    assert not ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.DRAFT).exists()


@pytest.mark.django_db
def test_the_demo_imports_the_printing_template_and_plans_its_contract_once(world, printing):
    from types import SimpleNamespace

    from checklist.demo import _printing
    from checklist.models import Checklist

    admin = make_user("demo_admin", world.ward)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    demo = SimpleNamespace(users={"admin": admin, "hr": world.hr})
    contract = printing_contract(world, printing)
    _printing(demo)
    _printing(demo)
    [template] = ChecklistTemplate.objects.filter(contract_type=printing)
    assert template.is_published and template.items.count() == 30
    checklist = Checklist.objects.get(contract=contract)
    assert checklist.template == template and checklist.is_finalised
    assert checklist.items.filter(mark=Mark.PLANNED).count() == 30
    assert AuditEntry.objects.filter(action="checklist.template.published").count() == 1


@pytest.mark.django_db
def test_the_demo_skips_the_printing_template_quietly_without_the_type(world):
    from types import SimpleNamespace

    from checklist.demo import _printing

    _printing(SimpleNamespace(users={"admin": world.hr, "hr": world.hr}))
    assert not ChecklistTemplate.objects.exclude(contract_type__isnull=True).exists()


@pytest.mark.django_db
def test_a_draft_overtaken_by_a_newer_published_version_is_not_published(client, world, admin):
    login_verified(client, admin)
    assert post_import(client, FIXTURE.read_bytes()).status_code == 302
    draft = ChecklistTemplate.objects.get(status=ChecklistTemplate.Status.DRAFT)
    assert draft.version == 2
    newer = services.template_new_version(base=ChecklistTemplate.objects.get(version=1, contract_type=None),
                                          texts={"ward.operational.05": "全体の業務フローを作成し、委託先と共有する（改）。"},
                                          note="文言の整理", actor=world.hr)
    assert newer.version == 3
    response = client.post(reverse("checklist:template_publish", args=[draft.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "新しい版が公開されています" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published
    assert services.latest_template() == newer


def test_an_imported_key_names_its_side_for_the_inspections_and_the_audit_trail():
    from checklist.audit_actions import item_label
    from supervision.selectors import side_of

    assert side_of("printing.ward.operational.01") == "ward"
    assert side_of("printing.contractor.system.06") == "contractor"
    assert side_of("contractor.operational.09") == "contractor"
    assert item_label("printing.contractor.operational.08") == item_label("contractor.operational.08") != ""


def test_a_broken_workbook_is_refused_in_japanese_not_with_an_error_page():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><<not xml")
    with pytest.raises(DomainError) as refused:
        template_import.read_items(out.getvalue())
    assert "Excel のファイルとして読み取れませんでした" in refused.value.message and refused.value.field == "file"


def test_a_cell_far_away_does_not_make_the_reader_walk_a_million_rows():
    import time

    workbook = Workbook()
    sheet = workbook.active
    for row in fixture_rows():
        sheet.append(list(row))
    sheet["XFD1048576"] = "x"
    out = io.BytesIO()
    workbook.save(out)
    started = time.monotonic()
    with pytest.raises(DomainError) as refused:
        template_import.read_items(out.getvalue())
    assert "行が多すぎます" in refused.value.message
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_the_council_submission_of_a_printing_contract_prints_its_thirty_items(client, world, printing_plan):
    from tests.checklist.test_exports import pdf_text

    login_verified(client, world.hr)
    response = client.get(reverse("yearend:council_submission", args=[printing_plan.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = squash(pdf_text(response.content))
    read = template_import.read_items(FIXTURE.read_bytes())
    assert not [item.key for item in read.items if squash(item.text) not in text]


@pytest.mark.django_db
def test_saving_the_whole_side_refuses_an_attestation_with_files_item_without_a_file(world, printing_plan):
    from attachments.services import attach

    items = {i.template_item.key: i for i in ChecklistItem.objects.filter(checklist__contract=printing_plan)
             .select_related("template_item")}
    needs, backed = items["printing.contractor.operational.07"], items["printing.contractor.operational.06"]
    entries = {needs.pk: (ChecklistItem.Attestation.IN_PLACE, "工程ごとに照合", ""),
               backed.pk: (ChecklistItem.Attestation.IN_PLACE, "管理簿に記載", "")}
    with pytest.raises(services.ItemErrors) as refused:
        services.side_attest(contract=printing_plan, side="contractor", entries=entries, actor=world.other_manager)
    assert list(refused.value.errors) == [needs.pk] and refused.value.errors[needs.pk].field == "attestation"
    assert not ChecklistItem.objects.filter(pk__in=[needs.pk, backed.pk]).exclude(
        attestation=ChecklistItem.Attestation.BLANK).exists()
    attach(target=needs, upload=SimpleUploadedFile("照合表.pdf", PDF), actor=world.other_manager, slot="attestation")
    saved = services.side_attest(contract=printing_plan, side="contractor", entries=entries, actor=world.other_manager)
    assert {i.pk for i in saved} == {needs.pk, backed.pk}


@pytest.mark.django_db
def test_the_checklist_xlsx_of_a_printing_contract_holds_its_thirty_items(client, world, printing_plan):
    login_verified(client, world.hr)
    response = client.get(reverse("checklist:export", args=[printing_plan.slug, "both", "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = squash(" ".join(str(value) for sheet in workbook.worksheets
                            for row in sheet.iter_rows(values_only=True) for value in row if value))
    read = template_import.read_items(FIXTURE.read_bytes())
    assert not [item.key for item in read.items if squash(item.text) not in cells]
    assert "添付による証明" in cells
