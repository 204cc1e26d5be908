"""What an auditor reads of status reports in the audit trail: actions in Japanese, due dates and reasons as
sentences, never a code, a username or the report's text."""

import datetime as dt

import pytest

from statusreports import services
from tests.audit.conftest import assert_reads_in_words, table_text

from .helpers import first_report

pytestmark = pytest.mark.django_db


def test_status_and_structure_reports_read_in_words(world, client_as):
    services.schedule_set(contract=world.contract, actor=world.hr, kind="monthly", day=12)
    report = services.report_submit(report=first_report(world), actor=world.manager, text="秘密の報告本文")
    report = services.report_send_back(report=report, actor=world.hr, reason="点検結果がない")
    report = services.report_submit(report=report, actor=world.manager, text="秘密の報告本文2")
    services.report_accept(report=report, actor=world.hr)
    structure = services.structure_create(contract=world.contract, actor=world.manager,
                                          effective_on=dt.date(2025, 5, 9), changes="契約締結時の体制")
    services.structure_submit(report=structure, actor=world.manager, effective_on=structure.effective_on,
                              changes=structure.changes)
    text = table_text(client_as(world.auditor).get("/audit/?contract=contract-a").content.decode())
    assert "状況報告の予定を設定" in text and "毎月（翌月12日までに前月分を報告）" in text
    assert "状況報告を差戻し" in text and "提出期限 令和7年6月12日。理由: 点検結果がない" in text
    assert "状況報告を提出" in text and "2回目の提出" in text and "状況報告を受理" in text
    assert "状況報告「令和7年5月分」" in text
    assert "管理体制の報告を提出" in text and "令和7年5月9日からの体制（取扱責任者・取扱者 2名）" in text
    assert "秘密の報告本文" not in text
    assert_reads_in_words(text)
