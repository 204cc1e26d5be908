"""The audit trail records every step of the survey export (uploads, validations, mappings, builds,
downloads, purges) and never a value from the file: no cell of the test files appears in any payload or
object text, and the entries read in words."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.formatting import present
from audit.models import AuditEntry
from engagement.models import SurveyUpload
from handover.models import MediumKind
from tests.engagement import web

pytestmark = pytest.mark.django_db


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def _whole_journey(client, world):
    MediumKind.objects.get_or_create(name="CD-R")
    # A file with a duplicate: refused, kept for HR to replace.
    client.post(web.url("upload", world.contract), web.files(survey=web.survey_bytes(duplicate=True)))
    upload = SurveyUpload.objects.latest("pk")
    client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload))
    # The corrected file, through to the package.
    client.post(web.url("upload", world.contract), web.files())
    upload = SurveyUpload.objects.latest("pk")
    client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload))
    client.post(web.url("risk", world.contract, pk=upload.pk),
                {"quasi": ["所属", "性別", "年齢"], "k": "5", "g_2": "1", "action": "apply"})
    client.post(web.url("review", world.contract, pk=upload.pk), {})
    built = client.post(web.url("build", world.contract, pk=upload.pk), {
        "medium_kind": MediumKind.objects.get(name="CD-R").pk, "medium_label": "CD-2025-001",
        "pseudonyms": "linkable"})
    package = built.context["package"]
    client.post(web.url("notice_print", world.contract, pk=package.pk), {"password": built.context["password"]})
    client.get(web.url("package_download", world.contract, pk=package.pk))
    # Another upload, discarded; a third left to expire and purged.
    client.post(web.url("upload", world.contract), web.files())
    client.post(web.url("discard", world.contract, pk=SurveyUpload.objects.latest("pk").pk))
    client.post(web.url("upload", world.contract), web.files(master=False))
    SurveyUpload.objects.filter(pk=SurveyUpload.objects.latest("pk").pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1))
    call_command("purge_survey_data", stdout=io.StringIO())


def test_no_cell_value_appears_in_any_audit_entry(client_as, world):
    _whole_journey(client_as(world.hr), world)
    entries = list(AuditEntry.objects.filter(action__startswith="engagement."))
    actions = {e.action for e in entries}
    assert {"engagement.upload.received", "engagement.mapping.saved", "engagement.upload.validated",
            "engagement.risk.planned", "engagement.free_text.reviewed", "engagement.pseudonyms.linkable",
            "engagement.package.built", "engagement.notice.printed", "engagement.package.downloaded",
            "engagement.upload.purged", "engagement.data.purged"} <= actions
    refused = [e for e in entries if e.action == "engagement.upload.validated" and not e.payload["ok"]]
    assert refused and refused[0].payload["problems"] == {"duplicate_staff_number": 1} and refused[0].payload["kept"] is True
    built = next(e for e in entries if e.action == "engagement.package.built")
    assert (built.payload["rows"], built.payload["k_reached"], len(built.payload["sha256"])) == (40, 5, 64)

    cells = web.cell_values()
    # Short numbers (answers 1–5, ages 30–39) cannot be told from the counts a payload holds as numbers;
    # as text they must not appear either.
    short = {c for c in cells if c.isdigit() and len(c) <= 2}
    for entry in AuditEntry.objects.all():
        texts = list(_strings(entry.payload)) + [entry.object_repr, entry.actor_label]
        joined = json.dumps(entry.payload, ensure_ascii=False) + entry.object_repr
        for cell in cells - short:
            assert cell not in joined, (entry.action, cell)
        for text in texts:
            assert text not in short, (entry.action, text)


def test_the_survey_entries_read_in_words(client_as, world):
    _whole_journey(client_as(world.hr), world)
    views = {}
    for view in present(AuditEntry.objects.filter(action__startswith="engagement.")
                        .select_related("contract", "actor__profile").order_by("seq")):
        views.setdefault(view.entry.action, view)  # the first of each
    assert views["engagement.upload.received"].detail == (
        "40行 × 9列（CSV）と職員属性マスタ 40行 × 5列を暗号化して保管（保存期間 14日）")
    assert views["engagement.upload.validated"].object.startswith("調査データのアップロード")
    assert views["engagement.upload.validated"].detail == (
        "40行 × 9列。エラーあり（職員番号の重複 1件）。ファイルは暗号化したまま保管（対応づけを直すか、直したファイルに替えるまで）")
    assert views["engagement.mapping.saved"].detail == "14列: 職員番号 2・区外に出さない 3・属性 3・回答 4・使わない 2"
    assert views["engagement.risk.planned"].detail == "k=5、準識別子 3列、一般化 1列（担当者が設定）"
    assert views["engagement.package.downloaded"].action == "調査データの暗号化パッケージをダウンロード"
    assert views["engagement.data.purged"].detail.startswith("保存期間（14日）を過ぎたアップロード 1件")
    assert views["engagement.upload.purged"].detail == "パッケージを作成したため（ファイル 2件）"
