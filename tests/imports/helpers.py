"""Files an administrator uploads: built here as a ward's Excel or CSV would be."""

import csv
import io

from django.contrib.auth.models import Group
from openpyxl import Workbook

from contracts.models import Organisation
from contracts.roles import HR_GROUP
from imports.apps import ADMIN_GROUP
from tests.factories import make_organisation, make_user

CONTRACT_HEADERS = ["年度", "担当課コード", "件名", "事業名", "委託先", "開始日", "終了日", "記録媒体", "対象者数", "種類",
                    "担当部課", "要綱の根拠", "目的", "対象者", "事業内容", "保有課", "登録業務の名称", "情報項目", "委託理由",
                    "委託の内容"]


def contract_row(n: int, **overrides) -> dict:
    row = {
        "年度": "令和8年度", "担当課コード": "jinji", "件名": f"調査分析業務委託その{n}", "事業名": "職員意識調査",
        "委託先": "委託先A株式会社", "開始日": "2026-06-01", "終了日": "2027-03-31", "記録媒体": "CD-R",
        "対象者数": "約3,000人", "種類": "", "担当部課": "総務部人事課", "要綱の根拠": "第3条", "目的": "人材育成",
        "対象者": "区職員", "事業内容": "意識調査", "保有課": "人事課", "登録業務の名称": "人事管理", "情報項目": "所属・回答",
        "委託理由": "専門的な分析", "委託の内容": "集計と分析",
    }
    row.update(overrides)
    return row


def xlsx_bytes(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers] if isinstance(row, dict) else list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers] if isinstance(row, dict) else list(row))
    return buffer.getvalue().encode(encoding)


def administrator(world, username="kanri_import"):
    """A ward administrator who also registers contracts (担当課, HR's group)."""
    assert Group.objects.filter(name=ADMIN_GROUP).exists()
    return make_user(username, world.ward, display_name="管理 太郎", groups=[ADMIN_GROUP, HR_GROUP])


def coded_section(world, code="jinji") -> Organisation:
    Organisation.objects.filter(pk=world.ward.pk).update(code=code)
    world.ward.refresh_from_db()
    return world.ward


__all__ = ["make_organisation"]
