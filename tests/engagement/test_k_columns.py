"""Issue 14 A.1: every attribute column that goes into the package counts for k. HR takes a column out of
k only by dropping it from the package or by keeping it as not identifying with a reason; the k each page
shows is the k of the rows and columns written, recounted here on the decrypted package."""

import re

import pytest

from audit.models import AuditEntry
from engagement.models import SurveyPackage, SurveyUpload
from tests.engagement import web

pytestmark = pytest.mark.django_db
REASON = "年齢は5歳刻みの構成を区のホームページで公表しているため"


def _risk_post(**overrides):
    # 所属, 性別, 年齢 are the attributes, in that order (use_0 … use_2).
    data = {"k": "5", "g_0": "0", "g_1": "0", "g_2": "0", "use_0": "quasi", "use_1": "quasi", "use_2": "quasi",
            "max_suppression": "5", "action": "apply"}
    data.update(overrides)
    return data


def _shown_k(html: str, pattern: str) -> int:
    return int(re.findall(pattern, html)[-1])


@pytest.mark.parametrize("choice", ["drop", "keep"])
def test_a_column_taken_out_of_k_leaves_only_as_hr_chose_and_every_page_shows_the_k_of_the_package(
        client_as, world, cd_r, choice):
    client = client_as(world.hr)
    upload = web.ready(world)
    posted = client.post(web.url("risk", world.contract, pk=upload.pk),
                         _risk_post(use_2=choice, reason_2=REASON if choice == "keep" else ""))
    assert posted.status_code == 302
    upload.refresh_from_db()
    assert upload.quasi == ["所属", "性別"]
    note = f"（次の列は識別に使えないとして除外: 年齢 — {REASON}）" if choice == "keep" else ""

    risk_page = client.get(web.url("risk", world.contract, pk=upload.pk)).content.decode()
    shown_on_risk = _shown_k(risk_page, r"最小のグループ</dt><dd>(\d+)人")
    assert f"k=5に届いています{note}" in risk_page
    build_page = client.get(web.url("build", world.contract, pk=upload.pk)).content.decode()
    shown_on_build = _shown_k(build_page, r"最小のグループ (\d+)人")
    assert f"最小のグループ {shown_on_build}人{note}" in build_page
    built = web.build_post(client, world, upload)
    assert built.status_code == 200
    shown_on_built = _shown_k(built.content.decode(), r"件・k=(\d+)")
    assert f"k={shown_on_built}{note}" in built.content.decode()

    package = SurveyPackage.objects.get()
    sheets = web.open_built(client, world, package, built.context["password"])
    attributes, k = web.recount_k(sheets)
    assert k == shown_on_risk == shown_on_build == shown_on_built == package.k_reached >= 5
    info = dict(sheets["作成情報"])
    entry = AuditEntry.objects.get(action="engagement.package.built")
    if choice == "drop":
        assert attributes == ["所属", "性別"]
        assert "年齢" not in sheets["データ"][0] and "年齢" not in [row[0] for row in sheets["項目説明"]]
        assert entry.payload["dropped_columns"] == ["年齢"] and entry.payload["not_identifying"] == []
    else:
        assert attributes == ["所属", "性別", "年齢"]
        # Kept as it is: the exact ages leave, as HR declared.
        assert {str(row[3]) for row in sheets["データ"][1:]} == {str(30 + i) for i in range(10)}
        assert info["kの計算から除いた列（識別に使えない列）"] == f"年齢 — {REASON}"
        assert entry.payload["not_identifying"] == [{"column": "年齢", "reason": REASON}]
        assert package.not_identifying == [{"column": "年齢", "reason": REASON}]


def test_keeping_a_column_as_not_identifying_needs_a_reason(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    response = client.post(web.url("risk", world.contract, pk=upload.pk), _risk_post(use_2="keep", reason_2=" "))
    assert response.status_code == 400
    assert "理由を書いてください" in " ".join(response.context["form"].errors["reason_2"])
    upload.refresh_from_db()
    assert (upload.dropped_columns, upload.not_identifying) == ([], {})


def test_a_purge_forgets_the_columns_and_reasons(client_as, world, cd_r):
    client = client_as(world.hr)
    upload = web.ready(world)
    client.post(web.url("risk", world.contract, pk=upload.pk), _risk_post(use_0="drop", use_2="keep", reason_2=REASON))
    upload.refresh_from_db()
    assert (upload.dropped_columns, upload.not_identifying) == (["所属"], {"年齢": REASON})
    assert web.build_post(client, world, upload).status_code == 200
    upload = SurveyUpload.objects.get(pk=upload.pk)
    assert (upload.dropped_columns, upload.not_identifying) == ([], {})


def test_the_ledger_names_the_columns_kept_out_of_k_beside_its_k(client_as, world, cd_r):
    client = client_as(world.hr)
    upload = web.ready(world)
    client.post(web.url("risk", world.contract, pk=upload.pk), _risk_post(use_2="keep", reason_2=REASON))
    web.build_post(client, world, upload)
    medium = SurveyPackage.objects.get().medium
    assert medium.contents.endswith("k=10）（kの計算から除いた列: 年齢）")
