"""Issue 14 A.2: when even the coarsest generalisation cannot reach k, 「提案を適用する」 switches nothing on;
suppression is the last step, within its limit (5% of the records unless HR raises it with a reason), counted
before it is applied, and never shown beside a message that contradicts it. The page offers what would
reach k: the columns to drop, with the generalisation the others then need."""

import pytest

from engagement.models import SurveyPackage
from tests.engagement import web

pytestmark = pytest.mark.django_db


def _post(**overrides):
    data = {"k": "5", "g_0": "0", "g_1": "0", "g_2": "0", "use_0": "quasi", "use_1": "quasi", "use_2": "quasi",
            "max_suppression": "5", "action": "apply"}
    data.update(overrides)
    return data


def test_an_unreachable_k_applies_nothing_and_the_page_offers_what_would_reach_it(client_as, world, cd_r):
    client = client_as(world.hr)
    upload = web.ready(world)
    risk_url = web.url("risk", world.contract, pk=upload.pk)
    # Two departments × two genders of ten staff each: no band of the ages reaches k=15.
    assert client.post(risk_url, _post(k="15")).status_code == 302
    page = client.get(risk_url)
    html = page.content.decode()
    assert "最も粗い一般化でも、秘匿の上限（記録の5%）の中ではk=15に届きません" in html
    assert "に届いています" not in html and "に届きます" not in html
    assert "kに届く方法" in html
    assert "次の列をパッケージから外す（または識別に使えない列として理由を書く）: 所属" in html
    by_column = {d.column: (d.k_reached, d.records_below_k) for d in page.context["page"].remedies.by_column}
    assert by_column == {"所属": (20, 0), "性別": (20, 0), "年齢": (10, 40)}

    refused = client.post(risk_url, _post(k="15", action="propose"))
    assert refused.status_code == 400
    assert "提案は適用していません" in refused.content.decode()
    upload.refresh_from_db()
    assert (upload.plan, upload.suppress, upload.k) == ([], False, 15)

    # HR takes the offer: 所属 out of the package; the proposal then reaches k without suppressing anyone.
    assert client.post(risk_url, _post(k="15", use_0="drop")).status_code == 302
    assert client.post(risk_url, _post(k="15", use_0="drop", action="propose")).status_code == 302
    upload.refresh_from_db()
    assert (upload.dropped_columns, upload.suppress) == (["所属"], False)
    html = client.get(risk_url).content.decode()
    assert "k=15に届いています" in html and "に届きません" not in html and "届いていません" not in html
    built = web.build_post(client, world, upload)
    assert built.status_code == 200
    attributes, k = web.recount_k(web.open_built(client, world, SurveyPackage.objects.get(), built.context["password"]))
    assert attributes == ["性別", "年齢"] and k == 20 == SurveyPackage.objects.get().k_reached


def test_suppression_is_counted_before_it_is_applied_and_never_beyond_its_limit(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    risk_url = web.url("risk", world.contract, pk=upload.pk)
    html = client.get(risk_url).content.decode()
    assert "今の一般化のあとで秘匿すると: 秘匿する記録: 40件（100.0%）、セル: " in html

    assert client.post(risk_url, _post(suppress="on")).status_code == 302
    page = client.get(risk_url)
    html = page.content.decode()
    protection = page.context["page"].protection
    assert protection.suppressed_cells == 0 and not protection.report.ok
    assert "秘匿は上限（記録の5%）を超えるため、行っていません（秘匿する記録: 40件（100.0%）" in html
    assert "k=5に届いています" not in html
    build = client.get(web.url("build", world.contract, pk=upload.pk)).content.decode()
    assert "上限（記録の5%）を超えるため、行っていません" in build and "届いている" not in build


def test_the_limit_is_raised_only_with_a_reason(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    risk_url = web.url("risk", world.contract, pk=upload.pk)
    refused = client.post(risk_url, _post(max_suppression="10"))
    assert refused.status_code == 400
    assert "理由を書いてください" in " ".join(refused.context["form"].errors["suppression_reason"])
    reason = "小規模な部署が多く、5%では公表範囲の集計ができないため（課長決裁済み）"
    assert client.post(risk_url, _post(max_suppression="10", suppression_reason=reason)).status_code == 302
    upload.refresh_from_db()
    assert (upload.max_suppression, upload.suppression_reason) == (10, reason)
