"""Everything the app writes that holds personal data or a password is the app account's alone (600): the
survey package and its password notice, the exports the commands write, whatever the umask of the shell
that ran them; every process of the app starts with umask 077."""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.engagement.helpers import master_csv, survey_csv

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def shell_umask():
    """The umask a login shell usually has: files 644 unless the app says otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_survey_package_writes_the_package_and_its_notice_owner_only(world, tmp_path, shell_umask):
    (tmp_path / "answers.csv").write_bytes(survey_csv())
    (tmp_path / "master.csv").write_bytes(master_csv())
    out = tmp_path / "disc"

    call_command("survey_package", "--contract", "contract-a", "--file", str(tmp_path / "answers.csv"),
                 "--master", str(tmp_path / "master.csv"), "--quasi", "所属", "--quasi", "性別", "--out", str(out),
                 stdout=io.StringIO(), stderr=io.StringIO())

    [package] = out.glob("*.xlsx")
    [notice] = out.glob("*.pdf")
    assert (mode(package), mode(notice)) == (0o600, 0o600)
    assert mode(out) == 0o700


@pytest.mark.parametrize("command", [
    ["export_ledger", "--format", "xlsx"],
    ["export_ledger", "--format", "pdf"],
    ["export_checklist", "--format", "xlsx"],
    ["export_council_submission"],
])
def test_export_commands_write_owner_only_even_over_a_readable_file(world, tmp_path, shell_umask, command):
    out = tmp_path / "export.bin"
    out.write_bytes(b"old")
    out.chmod(0o644)

    call_command(*command, "--contract", world.contract.slug, "--out", str(out), stdout=io.StringIO())

    assert out.read_bytes() != b"old"
    assert mode(out) == 0o600


def _umask_in(code: str) -> str:
    env = {**os.environ, "DJANGO_HTTPS": "0", "DJANGO_MANIFEST_STATIC": "0"}
    result = subprocess.run([sys.executable, "-c", f"import os; os.umask(0o022); {code}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_manage_py_runs_every_command_under_umask_077():
    code = ("import sys; sys.argv = ['manage.py', 'shell', '-c', 'import os; print(oct(os.umask(0)))']; "
            "import runpy; runpy.run_path('manage.py', run_name='__main__')")
    assert _umask_in(code) == "0o77"


def test_the_wsgi_application_runs_under_umask_077():
    assert _umask_in("import config.wsgi; print(oct(os.umask(0)))") == "0o77"


def test_collected_static_files_stay_readable_for_the_web_server(tmp_path):
    env = {**os.environ, "DJANGO_HTTPS": "0", "DJANGO_MANIFEST_STATIC": "0", "DJANGO_STATIC_ROOT": str(tmp_path)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True, timeout=300)

    css = next(tmp_path.rglob("*.css"))
    assert mode(css) == 0o644 and mode(css.parent) == 0o755
