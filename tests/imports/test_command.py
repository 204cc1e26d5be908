"""``manage.py import_file``: the same checks as the page, from a shell; --commit imports all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract

from .helpers import CONTRACT_HEADERS, administrator, coded_section, contract_row, xlsx_bytes


def test_the_command_checks_then_imports(world, tmp_path):
    coded_section(world)
    admin = administrator(world)
    path = tmp_path / "契約.xlsx"
    path.write_bytes(xlsx_bytes(CONTRACT_HEADERS, [contract_row(1), contract_row(2, 年度="20260")]))
    count = Contract.objects.count()
    out = io.StringIO()
    call_command("import_file", str(path), "--kind", "contracts", "--user", admin.username, stdout=out)
    assert "3\t年度\t年度は1989年度" in out.getvalue()
    assert "checked: 2 rows, 1 to create, 0 to update, 1 errors" in out.getvalue()
    with pytest.raises(CommandError, match="何も登録していません"):
        call_command("import_file", str(path), "--kind", "contracts", "--user", admin.username, "--commit",
                     stdout=io.StringIO())
    assert Contract.objects.count() == count
    path.write_bytes(xlsx_bytes(CONTRACT_HEADERS, [contract_row(1)]))
    out = io.StringIO()
    call_command("import_file", str(path), "--kind", "contracts", "--user", admin.username, "--commit", stdout=out)
    assert "imported: 1 rows, 1 created, 0 updated" in out.getvalue()
    assert Contract.objects.count() == count + 1


def test_the_command_refuses_someone_who_is_not_an_administrator(world, tmp_path):
    path = tmp_path / "契約.xlsx"
    path.write_bytes(xlsx_bytes(CONTRACT_HEADERS, [contract_row(1)]))
    with pytest.raises(CommandError, match="may not run imports"):
        call_command("import_file", str(path), "--kind", "contracts", "--user", world.hr.username, stdout=io.StringIO())
