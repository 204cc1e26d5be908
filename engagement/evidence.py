"""What the survey export knows about ward system item 07, for one contract.

``ward.system.07`` 個人情報を保存する場合は、保存先フォルダへアクセス権を設定するとともに、ファイルにパスワードを
付すなど、情報へのアクセス制御を徹底する: read from the package records and the stored files themselves, not
from the code that wrote them —

- each package whose file is still kept is read back from the store (AES-256-GCM under the data key: a file
  that was not sealed, or was changed, does not open), its SHA-256 compared with the record's, and its
  EncryptionInfo read: ECMA-376 Agile encryption with AES and 256-bit keys under a password;
- each survey upload still kept is checked to be a sealed file (the store's header), never plain bytes.

A package whose file was removed after its disc was handed over cannot be read again; it is counted, not
judged. Met None while there is no package, or none whose file can still be read.
Registered in ``EngagementConfig.ready``.
"""

import hashlib
import io
from xml.dom.minidom import parseString

from django.urls import reverse
from django.utils.translation import gettext as _

from core.evidence import Evidence

from . import crypto
from .models import SurveyPackage, SurveyUpload

PASSWORD_NS = "http://schemas.microsoft.com/office/2006/keyEncryptor/password"


def agile_aes256(content: bytes) -> bool:
    """Whether ``content`` is an OOXML file under ECMA-376 Agile encryption with AES-256 keys (both the data key
    and the password's key encryptor), read from its EncryptionInfo stream without the password."""
    import olefile

    stream = io.BytesIO(content)
    if not olefile.isOleFile(stream):
        return False
    with olefile.OleFileIO(stream) as ole:
        if not ole.exists("EncryptionInfo"):
            return False
        info = ole.openstream("EncryptionInfo").read()
    if info[:4] != b"\x04\x00\x04\x00":  # version 4.4: Agile
        return False
    xml = parseString(info[8:])
    key_data = xml.getElementsByTagName("keyData")
    password = xml.getElementsByTagNameNS(PASSWORD_NS, "encryptedKey")
    if not key_data or not password:
        return False
    return all(node.getAttribute("cipherAlgorithm") == "AES" and node.getAttribute("keyBits") == "256"
               for node in (key_data[0], password[0]))


def _sealed(name: str) -> bool:
    path = crypto.data_dir() / f"{name}{crypto.SUFFIX}"
    try:
        with path.open("rb") as f:
            return f.read(len(crypto.MAGIC)) == crypto.MAGIC
    except FileNotFoundError:
        return True  # purged since the row was read: nothing left in the clear


def package_encryption_evidence(contract) -> Evidence:
    url = reverse("engagement:index", kwargs={"slug": contract.slug})
    packages = list(SurveyPackage.objects.filter(contract=contract))
    if not packages:
        return Evidence(met=None, url=url, summary=_("調査データの暗号化パッケージはまだ作成されていません。"))
    counts = {"total": len(packages), "checked": 0, "bad": 0, "purged": 0, "uploads": 0, "plain": 0}
    for package in packages:
        if not package.has_file:
            counts["purged"] += 1
            continue
        counts["checked"] += 1
        try:
            content = crypto.load(package.blob, purpose=crypto.PACKAGE)
            good = hashlib.sha256(content).hexdigest() == package.sha256 and agile_aes256(content)
        except Exception:
            good = False
        counts["bad"] += not good
    for upload in SurveyUpload.objects.filter(contract=contract).exclude(survey_blob=""):
        for name in (upload.survey_blob, upload.master_blob):
            if name:
                counts["uploads"] += 1
                counts["plain"] += not _sealed(name)
    summary = _("暗号化パッケージ %(total)s件のうち、保存中のファイル %(checked)s件を読み直して確認"
                "（AES-256・ECMA-376 Agile 暗号化でないか読めないもの %(bad)s件）。"
                "ディスクへの書込み後に削除済みで読み直せないもの %(purged)s件。"
                "保存中のアップロード %(uploads)s件のうち暗号化されていないもの %(plain)s件") % counts
    if counts["bad"] or counts["plain"]:
        return Evidence(met=False, url=url, summary=summary)
    if not counts["checked"]:
        return Evidence(met=None, url=url, summary=summary)
    return Evidence(met=True, url=url, summary=summary)


def register_all() -> None:
    from core import evidence

    evidence.register("ward.system.07", package_encryption_evidence)
