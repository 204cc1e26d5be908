"""The inspection prints as an A4 record (立入り調査等実施記録), read back with pdftotext: the 令和 dates, the inspectors,
the method, each item examined with its result, the findings with their state, and the seal boxes."""

import re
import subprocess

import pytest

from audit.models import AuditEntry
from supervision import services
from tests.supervision.helpers import accept, finding, held, respond


def _text(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
def test_the_pdf_reads_back_the_dates_inspectors_results_and_findings(world, client_as):
    inspection = held(world)
    services.result_record(inspection=inspection, actor=world.hr, item_key="contractor.operational.07",
                           result="improve", note="保管庫の鍵の管理を確認")
    services.result_record(inspection=inspection, actor=world.hr, item_key="ward.operational.02", result="good")
    found = finding(world, inspection)
    accept(world, respond(world, found))
    response = client_as(world.auditor).get(
        f"/supervision/{world.contract.slug}/inspections/{inspection.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-inspection-1.pdf"')
    text = _text(response.content)
    for expected in ("立入り調査等実施記録", "令和7年度", "実施日令和7年11月12日", "検査者佐藤花子、高橋健",
                     "実地（立入り）", "委託先A株式会社本社分析室", "委託事業者に行わせる対策・運用上の対策7",
                     "要改善", "保管庫の鍵の管理を確認", "適", "分析室の保管庫の鍵が机の上に置かれていた",
                     "田中誠", "令和7年12月12日", "鍵を管理室の金庫で保管し、持出し簿を作った。", "完了",
                     "検査者", "所属長", "取扱責任者（委託先）"):
        assert re.sub(r"\s+", "", expected) in text, expected
    assert AuditEntry.objects.filter(action="supervision.inspection.exported", actor=world.auditor).exists()
