"""Ward system items 06 and 07 and ward item 10 read the app's own records (core.evidence).

- s06 「ID・パスワードやアドレス情報による運用により、第三者による…成りすましを防止する」: every active account of
  the contract's people signs in with a password and a confirmed TOTP device;
- s07 「個人情報を保存する場合は…ファイルにパスワードを付すなど、情報へのアクセス制御を徹底する」: the survey
  packages are AES-256 (ECMA-376 Agile) and the stored files sealed at rest, read from the files themselves;
- op.10 「個人情報は、施錠できる金庫又はキャビネット等に保管する」 on the ward's list counts what the WARD holds.
"""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.evidence import evidence_for
from engagement import crypto
from engagement.evidence import agile_aes256
from handover import services as handover
from handover.models import Item, MediumKind, StorageRecord

pytestmark = pytest.mark.django_db


def only(world, key):
    [evidence] = evidence_for(world.contract, key)
    return evidence


def test_s06_counts_the_contracts_people_without_a_confirmed_totp_device(world):
    evidence = only(world, "ward.system.06")
    # HR, the auditor, the manager and the handler of contract A, and the ward-wide privacy office (ScopeGrant);
    # not contract B's manager nor 税務課's clerk.
    assert evidence.met is True and "利用者 5名全員" in evidence.summary
    TOTPDevice.objects.filter(user=world.handler).update(confirmed=False)
    evidence = only(world, "ward.system.06")
    assert evidence.met is False
    assert "ワンタイムパスワード（TOTP）を登録していない 1名" in evidence.summary
    world.handler.is_active = False  # a disabled account signs in with nothing
    world.handler.save()
    assert only(world, "ward.system.06").met is True


def test_s07_has_nothing_to_judge_before_any_package(world):
    evidence = only(world, "ward.system.07")
    assert evidence.met is None and "まだ作成されていません" in evidence.summary


def test_s07_reads_the_stored_package_back_and_finds_agile_aes256(world):
    from tests.engagement.web import built

    result = built(world)
    package = result.package
    content = crypto.load(package.blob, purpose=crypto.PACKAGE)
    assert agile_aes256(content)
    evidence = only(world, "ward.system.07")
    assert evidence.met is True
    assert "保存中のファイル 1件を読み直して確認（AES-256・ECMA-376 Agile 暗号化でないか読めないもの 0件）" in evidence.summary


def test_s07_is_unmet_when_a_stored_package_is_not_what_the_record_says(world):
    from tests.engagement.web import built

    package = built(world).package
    # Someone with the file system but not the key replaces the sealed file with plain bytes.
    (crypto.data_dir() / f"{package.blob}{crypto.SUFFIX}").write_bytes(b"PK\x03\x04 plain workbook")
    evidence = only(world, "ward.system.07")
    assert evidence.met is False and "読めないもの 1件" in evidence.summary


def test_an_unencrypted_workbook_is_not_agile_aes256():
    assert agile_aes256(b"PK\x03\x04 not an OLE file") is False


def _paper(world, label):
    return handover.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                  label=label, contents="調査票の控え")


def test_ward_item_10_counts_what_the_ward_holds_and_the_contractor_item_what_the_contractor_holds(world):
    MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    assert only(world, "ward.operational.10").met is None
    paper = _paper(world, "P-100")
    evidence = only(world, "ward.operational.10")
    assert evidence.met is False and "区で保管中 1点のうち、施錠できる保管場所が未記録 1点" in evidence.summary
    # The contractor holds nothing: its list has nothing to judge.
    assert only(world, "contractor.operational.10").met is None
    handover.storage_record(item=paper, actor=world.hr, place=StorageRecord.Place.SAFE, location="人材育成等担当課 金庫",
                            locked=True)
    evidence = only(world, "ward.operational.10")
    assert evidence.met is True and "区で保管中 1点すべて" in evidence.summary
