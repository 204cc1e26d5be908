"""survey_check and survey_package, as the ward's IT staff script them."""

import hashlib
import io
import re

import msoffcrypto
import openpyxl
import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from engagement.synthetic import csv_bytes, generate
from handover.models import Item
from tests.engagement.helpers import master_csv, survey_csv, survey_rows


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "answers.csv").write_bytes(survey_csv())
    (tmp_path / "master.csv").write_bytes(master_csv())
    return tmp_path


def snapshot(directory):
    return (AuditEntry.objects.count(), Item.objects.count(), sorted(p.name for p in directory.iterdir()))


def test_survey_check_passes_a_clean_file_and_writes_nothing(world, files):
    before = snapshot(files)

    code, out, _err = run("survey_check", str(files / "answers.csv"), "--master", str(files / "master.csv"))

    assert code == 0
    assert "形式: CSV（Shift_JIS（CP932））" in out
    assert "氏名: 直接の識別子（区外に出さない）" in out
    assert "問題は見つかりませんでした。" in out
    assert "パッケージを作成できます。" in out
    assert snapshot(files) == before


def test_survey_check_refuses_a_duplicate_and_exits_1(world, files):
    rows = survey_rows()
    rows[9][2] = rows[3][2]
    (files / "answers.csv").write_bytes(survey_csv(rows))
    before = snapshot(files)

    code, out, _err = run("survey_check", str(files / "answers.csv"), "--master", str(files / "master.csv"))

    assert code == 1
    assert "11行目: 職員番号「10004」は5行目と重複しています。" in out
    assert snapshot(files) == before


def test_survey_check_takes_column_roles(world, files):
    code, out, _err = run("survey_check", str(files / "answers.csv"), "--column", "Q3 意見=ignore",
                          "--column", "自由記述=answer:text")

    assert code == 0
    assert "Q3 意見: 使わない" in out
    assert "自由記述: 回答（自由記述）" in out


def test_survey_check_refuses_a_png_with_the_japanese_reason(world, tmp_path):
    (tmp_path / "answers.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    code, _out, err = run("survey_check", str(tmp_path / "answers.csv"))

    assert code == 1
    assert "PNGファイル" in err


def test_survey_check_refuses_a_bad_role(world, files):
    code, _out, err = run("survey_check", str(files / "answers.csv"), "--column", "氏名=owner")

    assert code == 1
    assert "役割「owner」はありません" in err


def test_survey_package_builds_registers_and_prints_hash_and_password_once(world, files):
    out_dir = files / "disc"

    code, out, _err = run("survey_package", "--contract", "contract-a", "--file", str(files / "answers.csv"),
                          "--master", str(files / "master.csv"), "--quasi", "所属", "--quasi", "性別",
                          "--out", str(out_dir))

    assert code == 0, out
    sha = re.findall(r"^sha256: ([0-9a-f]{64})$", out, re.MULTILINE)
    password = re.findall(r"^password: (\S+)$", out, re.MULTILINE)
    assert len(sha) == 1 and len(password) == 1
    [package_path] = out_dir.glob("*.xlsx")
    [notice_path] = out_dir.glob("*.pdf")
    content = package_path.read_bytes()
    assert hashlib.sha256(content).hexdigest() == sha[0]
    assert notice_path.name == "password_notice_CD-2025-001.pdf"

    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password[0])
    plain = io.BytesIO()
    office.decrypt(plain)
    sheet = openpyxl.load_workbook(plain)["データ"]
    assert sheet.max_row == 25
    assert sheet["A1"].value == "仮名ID"
    # The attributes left out of k are left out of the package (issue 14 A.1).
    header = [cell.value for cell in sheet[1]]
    assert "所属" in header and "職名" not in header and "年齢" not in header
    assert "kの計算に含めない属性の列はパッケージから外しました: 職名・年齢" in out

    medium = Item.objects.get(contract=world.contract, label="CD-2025-001")
    notice = Item.objects.get(contract=world.contract, label="PN-CD-2025-001")
    assert (medium.sha256, medium.record_count, medium.file_name) == (sha[0], 24, package_path.name)
    assert notice.opens == medium
    assert medium.created_by == world.hr
    printed = AuditEntry.objects.get(action="engagement.notice.printed")
    assert printed.actor_label == "manage.py survey_package"
    assert password[0] not in str(list(AuditEntry.objects.values_list("payload", flat=True)))


def test_survey_package_numbers_the_next_disc(world, files):
    for _ in range(2):
        code, out, _err = run("survey_package", "--contract", "contract-a", "--file", str(files / "answers.csv"),
                              "--master", str(files / "master.csv"), "--quasi", "所属", "--out", str(files / "out"))
        assert code == 0, out

    assert sorted(Item.objects.filter(category=Item.Category.MEDIUM).values_list("label", flat=True)) == [
        "CD-2025-001", "CD-2025-002"]


def test_survey_package_applies_the_least_generalisation_on_3000_staff(world, tmp_path):
    data = generate(3000, seed=5, colleague_mentions=0.05)
    (tmp_path / "answers.csv").write_bytes(csv_bytes(data.survey_headers, data.survey_rows))
    (tmp_path / "master.csv").write_bytes(csv_bytes(data.master_headers, data.master_rows))

    code, out, _err = run("survey_package", "--contract", "contract-a", "--file", str(tmp_path / "answers.csv"),
                          "--master", str(tmp_path / "master.csv"), "--quasi", "所属", "--quasi", "性別",
                          "--quasi", "年齢", "--out", str(tmp_path / "disc"))

    assert code == 0, out
    assert "一般化: 年齢: " in out
    assert "自由記述の個人情報らしき箇所" in out and "■でマスクしました" in out
    assert Item.objects.get(label="CD-2025-001").record_count == 3000


def test_survey_package_refuses_with_the_risk_report_when_k_cannot_be_reached(world, tmp_path):
    data = generate(3000, seed=5)
    (tmp_path / "answers.csv").write_bytes(csv_bytes(data.survey_headers, data.survey_rows))
    (tmp_path / "master.csv").write_bytes(csv_bytes(data.master_headers, data.master_rows))
    before = (AuditEntry.objects.count(), Item.objects.count())

    code, out, _err = run("survey_package", "--contract", "contract-a", "--file", str(tmp_path / "answers.csv"),
                          "--master", str(tmp_path / "master.csv"), "--out", str(tmp_path / "disc"))

    assert code == 1
    assert "最小のグループ: 1人" in out
    assert "k=5 に届きません" in out
    assert "password:" not in out
    assert (AuditEntry.objects.count(), Item.objects.count()) == before
    assert not (tmp_path / "disc").exists()


def test_survey_package_refuses_a_file_with_errors_and_keeps_nothing(world, files):
    rows = survey_rows()
    rows[2][5] = "9"
    (files / "answers.csv").write_bytes(survey_csv(rows))
    before = (AuditEntry.objects.count(), Item.objects.count())

    code, out, _err = run("survey_package", "--contract", "contract-a", "--file", str(files / "answers.csv"),
                          "--master", str(files / "master.csv"), "--out", str(files / "disc"))

    assert code == 1
    assert "4行目: 「Q1 やりがい」の回答「9」は選択肢（1〜5）にありません。" in out
    assert (AuditEntry.objects.count(), Item.objects.count()) == before
    assert not (files / "disc").exists()


def test_survey_package_needs_an_hr_member_and_a_known_contract(world, files):
    with pytest.raises(CommandError, match="No contract"):
        call_command("survey_package", "--contract", "nope", "--file", str(files / "answers.csv"),
                     "--out", str(files / "disc"))
    with pytest.raises(CommandError, match="is not HR"):
        call_command("survey_package", "--contract", "contract-a", "--file", str(files / "answers.csv"),
                     "--user", world.manager.username, "--out", str(files / "disc"))


def test_survey_package_takes_a_section_clerk_who_is_hr_through_the_section(world, files):
    """A 担当課 clerk holding the role on the contract's section (no membership of the contract) registers the
    items as the pages would let them; a clerk of another section is refused."""
    from contracts.models import Role
    from contracts.services import scope_grant
    from tests.factories import make_user

    clerk = make_user("section-clerk", world.contract.ward_section)
    scope_grant(user=clerk, role=Role.HR, unit=world.contract.ward_section, actor=world.hr)
    code, out, _err = run("survey_package", "--contract", "contract-a", "--file", str(files / "answers.csv"),
                          "--master", str(files / "master.csv"), "--quasi", "所属", "--quasi", "性別",
                          "--user", "section-clerk", "--out", str(files / "disc"))
    assert code == 0, out
    assert Item.objects.get(contract=world.contract, label="CD-2025-001").created_by == clerk
    with pytest.raises(CommandError, match="is not HR"):
        call_command("survey_package", "--contract", "contract-a", "--file", str(files / "answers.csv"),
                     "--user", world.section_other.username, "--out", str(files / "disc"))
