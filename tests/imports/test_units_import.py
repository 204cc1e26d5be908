"""The organisation tree from a CSV/XLSX: 組織コード, 名称, 種別 (部/課/係), 上位組織コード."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from contracts.models import Organisation
from tests.factories import login_verified

from .helpers import administrator, csv_bytes, xlsx_bytes

HEADERS = ["組織コード", "名称", "種別", "上位組織コード"]


def _preview(client, data, name="組織.xlsx"):
    response = client.post(reverse("imports:index"), {"kind": "units", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()
    return response["Location"], client.get(response["Location"]).content.decode()


def test_a_tree_listed_children_first_is_imported_parents_first_one_audit_entry_per_unit(client, world):
    login_verified(client, administrator(world))
    rows = [["chiiki-bunka-kanko", "観光係", "係", "chiiki-bunka"], ["chiiki-bunka", "文化観光課", "課", "chiiki"],
            ["chiiki", "地域振興部", "部", ""]]
    seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
    url, page = _preview(client, csv_bytes(HEADERS, rows, encoding="cp932"), "組織.csv")
    assert "3件登録し" in page
    assert client.post(url).status_code == 302
    unit = Organisation.objects.get(code="chiiki-bunka-kanko")
    assert (unit.kind, unit.parent.code, unit.parent.parent.code) == ("unit", "chiiki-bunka", "chiiki")
    assert AuditEntry.objects.filter(seq__gt=seq, action="contract.unit.created").count() == 3


def test_a_code_twice_is_refused_at_the_second_row(client, world):
    login_verified(client, administrator(world))
    rows = [["chiiki", "地域振興部", "部", ""], ["chiiki", "地域振興部（重複）", "部", ""]]
    url, page = _preview(client, xlsx_bytes(HEADERS, rows))
    assert "3行目" in page and "組織コード「chiiki」が2行目と重複しています。" in page
    assert client.post(url).status_code == 400
    assert not Organisation.objects.filter(code="chiiki").exists()


def test_a_unit_under_an_unknown_parent_is_refused_at_its_parent_column(client, world):
    login_verified(client, administrator(world))
    rows = [["chiiki", "地域振興部", "部", ""], ["chiiki-bunka", "文化観光課", "課", "chiki"]]
    url, page = _preview(client, xlsx_bytes(HEADERS, rows))
    assert "3行目" in page and "上位組織コード「chiki」の組織がありません" in page
    assert client.post(url).status_code == 400
    assert not Organisation.objects.filter(code__in=["chiiki", "chiiki-bunka"]).exists()


def test_a_section_under_a_section_is_refused_with_the_services_words(client, world):
    login_verified(client, administrator(world))
    rows = [["chiiki", "地域振興部", "部", ""], ["bunka", "文化観光課", "課", "chiiki"], ["sports", "スポーツ課", "課", "bunka"],
            ["x", "謎", "班", ""]]
    url, page = _preview(client, xlsx_bytes(HEADERS, rows))
    assert "4行目" in page and "課の上位組織には部を指定してください。" in page
    assert "5行目" in page and "種別は「部」「課」「係」のいずれかを入力してください（いま「班」）。" in page
    assert client.post(url).status_code == 400
    assert not Organisation.objects.filter(code__in=["chiiki", "bunka", "sports"]).exists()


def test_an_existing_unit_is_updated_by_its_code(client, world):
    admin = administrator(world)
    login_verified(client, admin)
    url, page = _preview(client, xlsx_bytes(HEADERS, [["chiiki", "地域振興部", "部", ""]]))
    client.post(url)
    url, page = _preview(client, xlsx_bytes(HEADERS, [["chiiki", "地域文化部", "部", ""]]))
    assert "1件更新します" in page
    client.post(url)
    assert Organisation.objects.get(code="chiiki").name == "地域文化部"


def test_a_child_of_a_refused_row_says_its_parents_row_is_wrong(client, world):
    login_verified(client, administrator(world))
    rows = [["chiiki", "地域振興部", "部署", ""], ["bunka", "文化観光課", "課", "chiiki"]]
    url, page = _preview(client, xlsx_bytes(HEADERS, rows))
    assert "<tr><td>2行目</td><td>種別</td>" in page
    assert "<tr><td>3行目</td><td>上位組織コード</td><td>上位組織コード「chiiki」の行を登録できないため" in page
