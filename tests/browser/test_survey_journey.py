"""The survey export journey of issue 8, in Chromium: from the LoGo フォーム export to a disc and its
password notice ready to hand over.

HR uploads a CP932 CSV and the attribute master, maps the columns, sees a duplicate staff number in the
validation report, uploads the corrected file, reads the risk report, applies 5-year age bands, builds,
sees the password once, downloads the package and prints the notice, and finds both in the ledger.
"""

import hashlib
import io
import subprocess

import msoffcrypto
import openpyxl
import pytest

from engagement.models import SurveyPackage, SurveyUpload
from handover.models import Item, MediumKind
from tests.engagement import web
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def _file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": data}


def test_hr_goes_from_the_logo_export_to_a_disc_and_a_notice_ready_to_hand_over(new_page, sign_in, settings):
    world = make_world()
    MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    slug = world.contract.slug
    hr = sign_in(new_page(), world.hr)
    hr.goto(f"/contracts/{slug}/")
    hr.get_by_role("link", name="調査データ（暗号化パッケージ）").click()

    # The export as Excel saved it (CP932, CRLF), with a staff number answered twice, and the master.
    hr.get_by_label("LoGoフォームの回答ファイル").set_input_files(_file("回答.csv", web.survey_bytes(duplicate=True)))
    hr.get_by_label("職員属性マスタ（任意）").set_input_files(_file("職員属性.csv", web.master_bytes()))
    hr.get_by_role("button", name="アップロードして読み込む").click()
    assert hr.get_by_text("ファイルを読み込みました（40行 × 9列）").is_visible()

    # The roles are guessed; HR confirms them. The report finds the duplicate with both rows.
    assert hr.get_by_label("「氏名」の役割").first.input_value() == "drop"
    hr.get_by_role("button", name="この対応づけで検証する").click()
    assert hr.get_by_text("7行目: 職員番号「20003」は4行目と重複しています。").is_visible()
    assert hr.get_by_text("このままではパッケージを作成できません").first.is_visible()
    assert SurveyUpload.objects.get().is_live  # kept, for the mapping or a corrected file

    # The corrected file, from the same page, replaces it; the saved mapping applies, HR confirms again.
    hr.get_by_label("LoGoフォームの回答ファイル").set_input_files(_file("回答_修正.csv", web.survey_bytes()))
    hr.get_by_label("職員属性マスタ（任意）").set_input_files(_file("職員属性.csv", web.master_bytes()))
    hr.get_by_role("button", name="アップロードして読み込む").click()
    hr.get_by_role("button", name="この対応づけで検証する").click()
    assert hr.get_by_text("エラーはありません（40行）").is_visible()

    # The risk report: everyone alone in their combination; the previews show what 5-year bands do.
    before = hr.locator("section", has=hr.get_by_role("heading", name="一般化する前"))
    assert before.get_by_text("40件 / 40件（100.0%）").is_visible()
    assert hr.get_by_text("k未満 0件・2種類").is_visible()
    ages = hr.get_by_role("group", name="「年齢」の一般化")
    ages.get_by_label("5歳刻み").check()
    hr.get_by_role("button", name="この設定を適用する").click()
    assert hr.get_by_text("k=5に届いています").is_visible()

    # The free text naming a colleague is masked; then the build.
    hr.get_by_role("link", name="自由記述の確認へ（1箇所）").click()
    assert hr.get_by_role("checkbox", name="4行目をマスクする").is_checked()
    hr.get_by_role("button", name="この内容で保存して作成へ進む").click()
    assert hr.get_by_label("記録媒体の管理番号").input_value() == "CD-2025-001"
    hr.get_by_role("button", name="作成して管理簿に登録する").click()

    # The password, once, in groups of four; the SHA-256 of the file for the disc.
    groups = hr.locator(".password-groups span").all_inner_texts()
    password = "".join(groups)
    assert len(password) == 20 and all(len(g) == 4 for g in groups)
    package = SurveyPackage.objects.get()
    assert hr.get_by_text(package.sha256).is_visible()

    with hr.expect_download() as download:
        hr.get_by_role("link", name="暗号化ファイルをダウンロード").click()
    content = open(download.value.path(), "rb").read()
    assert hashlib.sha256(content).hexdigest() == package.sha256
    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    rows = list(openpyxl.load_workbook(plain)["データ"].iter_rows(values_only=True))
    assert rows[0][:4] == ("仮名ID", "所属", "性別", "年齢") and len(rows) == 41

    with hr.expect_download() as notice:
        hr.get_by_role("button", name="パスワード通知書を印刷（PDF）").click()
    text = subprocess.run(["pdftotext", notice.value.path(), "-"], capture_output=True, check=True).stdout.decode()
    assert " ".join(groups) in " ".join(text.split())
    package.refresh_from_db()
    assert package.notice_printed_by == world.hr

    # The package's record never shows the password again.
    hr.get_by_role("link", name="パッケージの記録を見る").click()
    assert password not in hr.content()
    assert hr.get_by_text("パスワード通知書の印刷").is_visible()

    # The ledger holds the disc and its notice, prepared and ready to hand over.
    hr.goto(f"/handover/{slug}/items/")
    for label in ("CD-2025-001", "PN-CD-2025-001"):
        row = hr.locator("tr", has=hr.get_by_role("link", name=label, exact=True))
        assert row.get_by_text("区で保管（未交付）").is_visible()
    hr.get_by_role("link", name="委託先へ渡す（受渡しを記録）").click()
    assert hr.get_by_label("CD-R CD-2025-001").is_visible()
    assert hr.get_by_label("パスワード通知書 PN-CD-2025-001").is_visible()
    assert set(Item.objects.values_list("state", flat=True)) == {Item.State.PREPARED}
