"""Building the package from the pages: the password shown once and never stored, the disc and its notice
in the ledger as prepared items, the notice printed once, the file downloaded by HR only until the disc
is handed over."""

import hashlib
import io
import json
import subprocess

import msoffcrypto
import openpyxl
import pytest

from audit.models import AuditEntry
from engagement.models import SurveyPackage, SurveyPackageDownload, SurveyUpload
from handover.models import Handover, Item, MediumKind
from handover.services import handover_record
from tests.engagement import web

pytestmark = pytest.mark.django_db


@pytest.fixture
def cd_r(db):
    return MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})[0]


def _build(client, world, upload, **data):
    form = {"medium_kind": str(MediumKind.objects.get(name="CD-R").pk), "medium_label": "CD-2025-001",
            "notice_label": "", "pseudonyms": "per_package", "below_k_reason": ""}
    form.update(data)
    return client.post(web.url("build", world.contract, pk=upload.pk), form)


def _open(content: bytes, password: str):
    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain, verify_integrity=True)
    return openpyxl.load_workbook(plain)


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_building_shows_the_password_once_and_registers_disc_and_notice_as_prepared(
        client_as, world, cd_r, settings, django_capture_on_commit_callbacks):
    client = client_as(world.hr)
    upload = web.with_age_bands(world, web.ready(world))
    with django_capture_on_commit_callbacks(execute=True):
        response = _build(client, world, upload)
    assert response.status_code == 200
    password = response.context["password"]
    assert len(password) >= 16
    page = response.content.decode()
    assert "".join(password[i:i + 4] for i in range(0, len(password), 4)) in page.replace("</span><span>", "")
    package = SurveyPackage.objects.get()
    assert package.sha256 in page

    # The ledger holds the disc and the notice that opens it, both prepared at the ward.
    medium, notice = package.medium, package.notice
    assert (medium.label, medium.category, medium.state) == ("CD-2025-001", Item.Category.MEDIUM, Item.State.PREPARED)
    assert (medium.sha256, medium.file_name, medium.record_count) == (package.sha256, package.file_name, 40)
    assert (notice.label, notice.opens_id, notice.state) == ("PN-CD-2025-001", medium.pk, Item.State.PREPARED)

    # The upload is purged: its row says so and its files are gone; only the package's file remains.
    upload.refresh_from_db()
    assert (upload.state, upload.purge_reason, upload.survey_blob) == (SurveyUpload.State.BUILT, "built", "")
    assert [p.name for p in settings.SURVEY_DATA_DIR.iterdir()] == [f"{package.blob}.bin"]

    # The password is nowhere in the database.
    for entry in AuditEntry.objects.all():
        assert password not in json.dumps(entry.payload, ensure_ascii=False) + entry.object_repr
    for row in SurveyPackage.objects.values():
        assert password not in json.dumps(row, default=str, ensure_ascii=False)

    # A reload of the build page (the browser posting again) does not show it or build again.
    again = _build(client, world, upload, medium_label="CD-2025-002")
    assert again.status_code == 302 and SurveyPackage.objects.count() == 1


def test_the_package_opens_with_the_password_and_holds_no_name_or_staff_number(client_as, world, cd_r):
    client = client_as(world.hr)
    response = _build(client, world, web.with_age_bands(world, web.ready(world)))
    password = response.context["package"], response.context["password"]
    package, password = password
    download = client.get(web.url("package_download", world.contract, pk=package.pk))
    content = b"".join(download.streaming_content) if download.streaming else download.content
    assert hashlib.sha256(content).hexdigest() == package.sha256
    workbook = _open(content, password)
    text = "\n".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value)
    assert "20001" not in text and "髙﨑" not in text and "@city.example.lg.jp" not in text
    data = list(workbook["データ"].iter_rows(values_only=True))
    assert data[0][:4] == ("仮名ID", "所属", "性別", "年齢")
    assert {row[3] for row in data[1:]} == {"30〜34歳", "35〜39歳"}
    # The colleague named in row 4's free text is masked.
    assert any("■" in str(v) for row in data[1:] for v in row)


def test_the_notice_is_printed_once_with_the_password_and_recorded(client_as, world, cd_r):
    client = client_as(world.hr)
    response = _build(client, world, web.with_age_bands(world, web.ready(world)))
    package, password = response.context["package"], response.context["password"]
    printed = client.post(web.url("notice_print", world.contract, pk=package.pk), {"password": password})
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    text = _pdf_text(printed.content)
    assert "パスワード通知書" in text and "CD-2025-001" in text
    assert " ".join(password[i:i + 4] for i in range(0, len(password), 4)) in " ".join(text.split())
    package.refresh_from_db()
    assert package.notice_printed_by == world.hr and package.notice_printed_at is not None
    assert AuditEntry.objects.filter(action="engagement.notice.printed").count() == 1

    # A second print is refused: a lost notice means a new package.
    second = client.post(web.url("notice_print", world.contract, pk=package.pk), {"password": password}, follow=True)
    assert "パスワード通知書はすでに印刷しています" in second.content.decode()
    assert AuditEntry.objects.filter(action="engagement.notice.printed").count() == 1


def test_a_wrong_password_prints_nothing(client_as, world, cd_r):
    client = client_as(world.hr)
    response = _build(client, world, web.with_age_bands(world, web.ready(world)))
    package = response.context["package"]
    refused = client.post(web.url("notice_print", world.contract, pk=package.pk), {"password": "ABCDEFGHJKLMNPQRSTUV"},
                          follow=True)
    assert "パスワードが暗号化ファイルと合いません" in refused.content.decode()
    package.refresh_from_db()
    assert not package.notice_printed


def test_each_download_is_audited_with_its_sha256_and_listed_among_personal_data_downloads(client_as, world, cd_r):
    client = client_as(world.hr)
    package = web.built(world).package
    client.get(web.url("package_download", world.contract, pk=package.pk))
    client.get(web.url("package_download", world.contract, pk=package.pk))
    entries = AuditEntry.objects.filter(action="engagement.package.downloaded")
    assert [e.payload["sha256"] for e in entries] == [package.sha256] * 2
    assert SurveyPackageDownload.objects.filter(package=package, downloaded_by=world.hr).count() == 2
    page = client_as(world.auditor).get("/audit/downloads/").content.decode()
    assert "調査データの暗号化パッケージをダウンロード" in page
    assert package.sha256[:16] in page


@pytest.mark.parametrize("role", ["manager", "handler", "auditor"])
def test_the_package_never_goes_to_the_contractor_or_the_auditor_through_the_app(client_as, world, cd_r, role):
    package = web.built(world).package
    response = client_as(world.user(role)).get(web.url("package_download", world.contract, pk=package.pk))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="engagement.package.downloaded").exists()


def test_once_the_disc_is_handed_over_the_file_is_purged_and_no_longer_downloadable(
        client_as, world, cd_r, settings, django_capture_on_commit_callbacks):
    client = client_as(world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        package = web.built(world).package
    assert [p.name for p in settings.SURVEY_DATA_DIR.iterdir()] == [f"{package.blob}.bin"]
    with django_capture_on_commit_callbacks(execute=True):
        handover_record(contract=world.contract, actor=world.hr, direction=Handover.Direction.DELIVERY,
                        recipient=world.handler, items=[package.medium])
    package.refresh_from_db()
    assert not package.has_file and package.file_purged_at is not None
    assert list(settings.SURVEY_DATA_DIR.iterdir()) == []
    assert AuditEntry.objects.filter(action="engagement.package.file_purged").count() == 1
    response = client.get(web.url("package_download", world.contract, pk=package.pk), follow=True)
    assert "はすでに渡したため、暗号化ファイルは削除しました" in response.content.decode()
    assert not AuditEntry.objects.filter(action="engagement.package.downloaded").exists()


def test_building_below_k_is_refused_unless_hr_records_a_reason(client_as, world, cd_r):
    client = client_as(world.hr)
    upload = web.ready(world)  # no generalisation: every record alone in its group
    refused = _build(client, world, upload)
    assert refused.status_code == 400
    assert "k匿名性（k=5）に届かないため、パッケージを作れません" in refused.content.decode()
    assert not SurveyPackage.objects.exists() and not Item.objects.exists()
    built = _build(client, world, upload, below_k_reason="委託先の分析に年齢の詳細が必要なため（協議済み）")
    assert built.status_code == 200
    package = SurveyPackage.objects.get()
    assert package.k_reached == 1 and package.below_k_reason.startswith("委託先の分析")
    info = dict(_open(client.get(web.url("package_download", world.contract, pk=package.pk)).content,
                      built.context["password"])["作成情報"].iter_rows(values_only=True))
    assert info["k未満で作成した理由"] == "委託先の分析に年齢の詳細が必要なため（協議済み）"


def test_a_label_already_in_the_ledger_is_refused_at_its_field(client_as, world, cd_r):
    client = client_as(world.hr)
    web.built(world, medium_label="CD-2025-001")
    upload = web.with_age_bands(world, web.ready(world))
    response = _build(client, world, upload, medium_label="CD-2025-001")
    assert response.status_code == 400
    assert response.context["form"].errors["medium_label"] == ["管理番号「CD-2025-001」はこの契約ですでに使われています。"]
    assert SurveyPackage.objects.count() == 1


def test_linkable_pseudonyms_stay_the_same_across_years_and_their_key_never_leaves_the_ward(client_as, world, cd_r):
    import base64

    from contracts.services import contract_copy_to_next_year
    from engagement import crypto
    from engagement.models import SurveyLinkKey
    from engagement.package import pseudonyms

    client = client_as(world.hr)
    first = _build(client, world, web.with_age_bands(world, web.ready(world)), pseudonyms="linkable")
    content = client.get(web.url("package_download", world.contract, pk=first.context["package"].pk)).content
    workbook = _open(content, first.context["password"])
    ids = [row[0] for row in workbook["データ"].iter_rows(min_row=2, values_only=True)]

    # The key is kept encrypted under DATA_KEY, and it is the key the pseudonyms were made with.
    stored = SurveyLinkKey.objects.get(contract=world.contract)
    key = crypto.decrypt(bytes(stored.sealed), purpose=crypto.LINK_KEY, name=stored.name)
    assert key not in bytes(stored.sealed)
    assert ids == pseudonyms([web.staff_number(i) for i in range(web.STAFF)], key)
    # Nothing of it is in the package.
    plain = io.BytesIO()
    workbook.save(plain)
    for form in (key, key.hex().encode(), base64.b32encode(key), base64.b64encode(key)):
        assert form not in plain.getvalue()

    # Next year's copy finds the same key: the same staff get the same IDs.
    next_year = contract_copy_to_next_year(contract=world.contract, actor=world.hr)
    world.contract = next_year
    second = _build(client, world, web.with_age_bands(world, web.ready(world)), pseudonyms="linkable",
                    medium_label="CD-2026-001")
    content = client.get(web.url("package_download", next_year, pk=second.context["package"].pk)).content
    again = [row[0] for row in _open(content, second.context["password"])["データ"].iter_rows(min_row=2, values_only=True)]
    assert again == ids
    assert SurveyLinkKey.objects.count() == 1


def test_per_package_pseudonyms_differ_from_one_package_to_the_next(client_as, world, cd_r):
    client = client_as(world.hr)
    ids = []
    for label in ("CD-2025-001", "CD-2025-002"):
        response = _build(client, world, web.with_age_bands(world, web.ready(world)), medium_label=label)
        content = client.get(web.url("package_download", world.contract, pk=response.context["package"].pk)).content
        sheet = _open(content, response.context["password"])["データ"]
        ids.append([row[0] for row in sheet.iter_rows(min_row=2, values_only=True)])
    assert not set(ids[0]) & set(ids[1])
