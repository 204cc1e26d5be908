"""Issue 15: the year's-end models moved from ``contracts`` and ``handover`` to ``yearend`` without losing a row.

A database holding every moved table's rows (the demo's finished year: the report and measures, the copy
register, the deletion reports and their lines) is taken back to the schema before the move, a row more is
written there through the old apps' historical models, and the database is migrated forward again: every row,
old and new, reads through the new models with the same values and the same links.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.checklist.helpers import ensure_template
from yearend.models import ContractMeasure, ContractReport, CopyRecord, DeletionLine, DeletionReport

BEFORE_THE_MOVE = [("contracts", "0004_report_measures_closing"), ("handover", "0005_new_medium_kinds_destroy_only")]
MOVED = {  # model → (app it lived in, its table)
    ContractReport: ("contracts", "contracts_contractreport"),
    ContractMeasure: ("contracts", "contracts_contractmeasure"),
    CopyRecord: ("handover", "handover_copyrecord"),
    DeletionReport: ("handover", "handover_deletionreport"),
    DeletionLine: ("handover", "handover_deletionline"),
}


def _rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY id")  # noqa: S608 (our names)
        return [tuple(str(value) for value in row) for row in cursor.fetchall()]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_populated_database_moves_to_yearend_without_losing_a_row():
    ensure_template()  # an earlier transactional test's flush removed what the data migration loaded
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for model in MOVED:
        assert model.objects.exists(), f"the demo has no {model.__name__}: the test would prove nothing"
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    before = {table: _rows(table) for _app, table in MOVED.values()}

    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    # The old apps see today's rows in their tables, and a row written there now through them...
    assert old.get_model("handover", "DeletionLine").objects.count() == DeletionLine.objects.count()
    OldReport = old.get_model("handover", "DeletionReport")  # noqa: N806
    OldLine = old.get_model("handover", "DeletionLine")  # noqa: N806
    OldCopy = old.get_model("handover", "CopyRecord")  # noqa: N806
    template = OldReport.objects.order_by("pk").first()
    report = OldReport.objects.create(contract_id=template.contract_id, number=99, status="draft",
                                      created_at=template.created_at, created_by_id=template.created_by_id)
    copy = OldCopy.objects.order_by("pk").first()
    OldLine.objects.create(report=report, copy=copy, method_type="purge", method="暗号化消去")
    OldMeasure = old.get_model("contracts", "ContractMeasure")  # noqa: N806
    measure = OldMeasure.objects.order_by("pk").first()
    OldMeasure.objects.create(contract_id=measure.contract_id, decided_on=measure.decided_on, text="移行前に記録",
                              recorded_at=measure.recorded_at, recorded_by_id=measure.recorded_by_id)

    _migrate(latest)
    # ...are all there afterwards, unchanged, and read through the new app's models with their links.
    for _app, table in MOVED.values():
        after = _rows(table)
        assert after[:len(before[table])] == before[table], table
    assert DeletionReport.objects.get(number=99, contract_id=template.contract_id).lines.get().copy_id == copy.pk
    assert ContractMeasure.objects.filter(text="移行前に記録").count() == 1
    for line in DeletionLine.objects.select_related("report__contract", "copy__source", "item"):
        assert line.report.contract_id and (line.copy_id or line.item_id)
