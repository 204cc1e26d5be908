"""Files and steps for the survey pages' tests: forty invented staff whose answers reach k=5 once ages are
put in 5-year bands (two departments × two genders, ten people each, aged 30 to 39)."""

from __future__ import annotations

import io
from collections import Counter

import msoffcrypto
import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagement import risk, services
from engagement.forms import MappingForm
from engagement.models import SurveyUpload
from engagement.synthetic import csv_bytes
from handover.models import MediumKind

SURVEY_HEADERS = ["回答ID", "回答日時", "職員番号", "氏名", "メールアドレス", "Q1 仕事にやりがいを感じる",
                  "Q2 上司から支援を受けている", "Q3 職場で意見を言いやすい", "自由記述"]
MASTER_HEADERS = ["職員番号", "氏名", "所属", "性別", "年齢"]
DEPARTMENTS = ["総務部人事課", "福祉部保育課"]
SURNAMES = ["髙﨑", "山﨑", "佐藤", "鈴木", "田中"]
GIVEN = ["太郎", "花子", "一郎", "恵子", "健", "美咲", "翔太", "陽子"]
STAFF = 40
# Row 4 of the survey (Excel numbering) names a colleague, who is in the file.
COLLEAGUE_ROW = 4
FREE_TEXT = ["①研修を増やしてほしい", "㈱との連携～改善を", "特になし", ""]


def name(i: int) -> str:
    return f"{SURNAMES[i % 5]} {GIVEN[i % 8]}{i:02d}"


def staff_number(i: int) -> str:
    return str(20001 + i)


def survey_rows(*, duplicate: bool = False) -> list[list[str]]:
    rows = []
    for i in range(STAFF):
        text = FREE_TEXT[i % 4]
        if i + 2 == COLLEAGUE_ROW:
            text = f"{name(7)}さんに助けてもらった。"
        number = staff_number(2 if duplicate and i == 5 else i)
        rows.append([str(i + 1), f"2026/06/{2 + i % 20:02d} 09:{i % 60:02d}", number, name(i),
                     f"staff{i:03d}@city.example.lg.jp", str(1 + i % 5), str(1 + (i * 2) % 5), str(1 + (i * 3) % 5),
                     text])
    return rows


def master_rows() -> list[list[str]]:
    return [[staff_number(i), name(i), DEPARTMENTS[i % 2], ["男", "女"][(i // 2) % 2], str(30 + i // 4)]
            for i in range(STAFF)]


def survey_bytes(*, duplicate: bool = False, encoding: str = "cp932") -> bytes:
    return csv_bytes(SURVEY_HEADERS, survey_rows(duplicate=duplicate), encoding=encoding)


def master_bytes() -> bytes:
    return csv_bytes(MASTER_HEADERS, master_rows())


def cell_values() -> set[str]:
    """Every distinct non-empty cell of both files (not the headers)."""
    values = set()
    for rows in (survey_rows(), survey_rows(duplicate=True), master_rows()):
        for row in rows:
            values.update(v for v in row if v)
    return values


def url(name: str, contract, **kwargs) -> str:
    return reverse(f"engagement:{name}", kwargs={"slug": contract.slug, **kwargs})


def files(survey: bytes | None = None, master: bytes | None = None, *, survey_name="回答.csv",
          master_name="職員属性.csv") -> dict:
    data = {"survey": SimpleUploadedFile(survey_name, survey_bytes() if survey is None else survey)}
    if master is not False:
        data["master"] = SimpleUploadedFile(master_name, master_bytes() if master is None else master)
    return data


def mapping_post(upload: SurveyUpload, **changes) -> dict:
    """The mapping form as the page offers it (the guessed roles), with ``changes`` by header."""
    form = MappingForm(mapping=services.upload_mapping(upload))
    data = {}
    for index, spec in enumerate(form.specs):
        role, allowed, required = str(spec.role), spec.allowed_label, spec.required
        if spec.header in changes:
            role = changes[spec.header]
        data[f"role_{index}"] = role
        data[f"allowed_{index}"] = allowed
        if required:
            data[f"required_{index}"] = "on"
    return data


def uploaded(world, *, survey: bytes | None = None, master: bytes | None = None) -> SurveyUpload:
    return services.survey_upload(
        contract=world.contract, actor=world.hr,
        survey=services.UploadedFile("回答.csv", survey_bytes() if survey is None else survey),
        master=services.UploadedFile("職員属性.csv", master_bytes() if master is None else master))


def ready(world) -> SurveyUpload:
    upload = uploaded(world)
    confirmed = services.survey_mapping_confirm(upload=upload, actor=world.hr,
                                                mapping=services.upload_mapping(upload))
    assert confirmed.ready, confirmed.report.lines()
    return confirmed.upload


AGE_BANDS = "age-bands"


def with_age_bands(world, upload: SurveyUpload) -> SurveyUpload:
    settings = services.risk_settings(upload)
    plan = [risk.Generalisation(column="年齢", kind=risk.Kind.AGE, band=5)]
    return services.survey_risk_set(upload=upload, actor=world.hr, settings=services.RiskSettings(
        quasi=settings.quasi, k=5, plan=plan, suppress=False))


def built(world, **options) -> services.Built:
    MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    upload = with_age_bands(world, ready(world))
    upload.contract = world.contract
    return services.survey_build(upload=upload, actor=world.hr,
                                 medium_label=options.pop("medium_label", "CD-2025-001"), **options)


def open_built(client, world, package, password) -> dict[str, list[tuple]]:
    """The package HR downloads, decrypted with the password shown once: every sheet's rows."""
    content = client.get(url("package_download", world.contract, pk=package.pk)).content
    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain, verify_integrity=True)
    workbook = openpyxl.load_workbook(plain)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def recount_k(sheets) -> tuple[list[str], int]:
    """k over every attribute column the package holds, minus the ones it declares not identifying."""
    data = sheets["データ"]
    roles = {row[0]: row[1] for row in sheets["項目説明"][1:]}
    attributes = [h for h in data[0][1:] if roles[h].startswith("属性")]
    counted = [h for h in attributes if roles[h] == "属性（準識別子）"]
    columns = [[row[data[0].index(h)] for row in data[1:]] for h in counted]
    groups = Counter(zip(*columns, strict=True))
    groups.pop((risk.SUPPRESSED,) * len(counted), None)
    return attributes, min(groups.values())


def build_post(client, world, upload):
    """The build page's form as HR sends it."""
    return client.post(url("build", world.contract, pk=upload.pk), {
        "medium_kind": str(MediumKind.objects.get(name="CD-R").pk), "medium_label": "CD-2025-001",
        "notice_label": "", "pseudonyms": "per_package", "below_k_reason": ""})
