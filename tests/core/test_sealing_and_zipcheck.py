"""core.sealing: each store's files are its own (another store, another DATA_KEY, another name: no read);
core.zipcheck: the survey's zip limits for any XLSX/DOCX from outside."""

import io
import zipfile

import pytest

from core import zipcheck
from core.sealing import StoredDataError, Vault


@pytest.fixture
def vaults(settings, tmp_path):
    settings.A_DIR, settings.B_DIR = tmp_path / "a", tmp_path / "b"
    return (Vault(magic=b"TESTA1", info=b"test a", directory_setting="A_DIR"),
            Vault(magic=b"TESTA1", info=b"test b", directory_setting="B_DIR"))


def test_a_file_reads_back_only_from_its_own_store_name_purpose_and_key(vaults, settings):
    a, b = vaults
    name = a.store(b"plain", purpose="p")
    sealed = a.path(name).read_bytes()
    assert b"plain" not in sealed and a.load(name, purpose="p") == b"plain"
    for attempt in (lambda: b.decrypt(sealed, purpose="p", name=name),
                    lambda: a.decrypt(sealed, purpose="other", name=name),
                    lambda: a.decrypt(sealed, purpose="p", name=a.new_name())):
        with pytest.raises(StoredDataError):
            attempt()
    settings.DATA_KEY = "another-data-key-" + "x" * 40
    with pytest.raises(StoredDataError) as refused:
        a.load(name, purpose="p")
    assert refused.value.code == "key_changed"


def test_a_file_sealed_with_bound_data_opens_only_with_the_same_bound_data(vaults):
    a, _ = vaults
    name = a.store(b"plain", purpose="p", bound=b'{"row":1}')
    assert a.load(name, purpose="p", bound=b'{"row":1}') == b"plain"
    for bound in (b"", b'{"row":2}'):
        with pytest.raises(StoredDataError) as refused:
            a.load(name, purpose="p", bound=bound)
        assert refused.value.code == "tampered"
    # Without bound data the associated data is exactly "purpose:name", as the survey store always wrote it.
    assert a.associated_data(purpose="p", name=name) == f"p:{name}".encode()
    unbound = a.store(b"plain", purpose="p")
    with pytest.raises(StoredDataError):
        a.load(unbound, purpose="p", bound=b"x")


@pytest.mark.parametrize("name", ["", "../x", "a/b", "ａｂｃ", "x.bin"])
def test_names_other_than_tokens_are_refused(vaults, name):
    with pytest.raises(StoredDataError):
        vaults[0].path(name)


def _zip(entries: dict, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _refused(data: bytes, **kwargs) -> str:
    with pytest.raises(zipcheck.ZipRefused) as refused:
        zipcheck.check(data, max_uncompressed=kwargs.pop("max_uncompressed", 10 * 1024 * 1024), **kwargs)
    return refused.value.code


def test_zip_limits():
    assert zipcheck.check(_zip({"a.xml": b"<a/>"}), max_uncompressed=1024)
    assert _refused(b"not a zip") == "bad_zip"
    assert _refused(_zip({"a.xml": b"<a/>"}), names_required=lambda names: "b.xml" in names) == "bad_zip"
    assert _refused(_zip({f"{i}.xml": b"" for i in range(zipcheck.MAX_ZIP_ENTRIES + 1)})) == "zip_bomb"
    assert _refused(_zip({"big.xml": b" " * (3 * 1024 * 1024)})) == "zip_bomb"  # about 1000:1
    assert _refused(_zip({"a.xml": b"x" * 2048}, zipfile.ZIP_STORED), max_uncompressed=1024) == "zip_bomb"
    for unsafe in ("../a.xml", "/etc/a.xml", "C:/a.xml", "x/../../a.xml", "..\\a.xml"):
        assert _refused(_zip({unsafe: b"x"})) == "unsafe_path", unsafe
