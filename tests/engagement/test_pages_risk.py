"""The re-identification risk page: the report before, the previews of each generalisation, the proposal
that reaches k, and the settings HR applies."""

import pytest

from engagement.models import SurveyUpload
from tests.engagement import web

pytestmark = pytest.mark.django_db


def _page(client, world, upload):
    response = client.get(web.url("risk", world.contract, pk=upload.pk))
    assert response.status_code == 200
    return response


def _post(upload, **overrides):
    data = {"quasi": ["所属", "性別", "年齢"], "k": "5", "g_0": "0", "g_1": "0", "g_2": "0", "action": "apply"}
    data.update(overrides)
    return data


def test_the_report_shows_the_smallest_group_the_share_under_k_and_the_riskiest_combinations(client_as, world):
    upload = web.ready(world)
    response = _page(client_as(world.hr), world, upload)
    before = response.context["page"].before
    # Two departments × two genders × ten ages: everyone is alone in their combination.
    assert (before.smallest_group, before.records_below_k, before.unique_records) == (1, 40, 40)
    page = response.content.decode()
    assert "40件 / 40件（100.0%）" in page
    assert "福祉部保育課 × 女 × 30" in page


def test_each_generalisation_is_previewed_before_it_is_applied(client_as, world):
    upload = web.ready(world)
    response = _page(client_as(world.hr), world, upload)
    ages = {p.header: p for p in response.context["page"].previews}["年齢"]
    by_label = {o.label: (o.records_below_k, o.values) for o in ages.options}
    # 5-year bands leave no one in a group under 5; the ages themselves leave everyone.
    assert by_label["そのまま"] == (40, 10)
    assert by_label["5歳刻み"] == (0, 2)
    assert "k未満 0件・2種類" in response.content.decode()


def test_applying_age_bands_reaches_k_and_is_saved_on_the_upload(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    response = client.post(web.url("risk", world.contract, pk=upload.pk), _post(upload, g_2="1"))
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.plan == [{"column": "年齢", "kind": "age", "band": 5, "lift": False, "rare": 0}]
    page = _page(client, world, upload)
    assert page.context["page"].protection.report.smallest_group == 5
    assert "k=5に届いています" in page.content.decode()


def test_the_proposal_is_the_least_generalisation_that_reaches_k_and_hr_may_accept_it(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    proposal = _page(client, world, upload).context["page"].proposal
    assert proposal.reached
    assert [(g.column, g.describe()) for g in proposal.changes] == [("年齢", "5歳刻み")]
    client.post(web.url("risk", world.contract, pk=upload.pk), _post(upload, action="propose"))
    upload.refresh_from_db()
    assert [g["band"] for g in upload.plan] == [5]


def test_another_k_is_kept_and_every_attribute_still_counts(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    client.post(web.url("risk", world.contract, pk=upload.pk), _post(upload, g_2="1", k="3"))
    upload.refresh_from_db()
    assert (upload.quasi, upload.k) == (["所属", "性別", "年齢"], 3)
    assert _page(client, world, upload).context["page"].protection.report.ok


def test_an_upload_saved_with_a_column_simply_left_out_of_k_counts_it_again(client_as, world):
    """Before issue 14 A.1 unticking 年齢 took it out of k while it still left in the package."""
    client = client_as(world.hr)
    upload = web.ready(world)
    SurveyUpload.objects.filter(pk=upload.pk).update(quasi=["所属", "性別"])
    page = _page(client, world, upload)
    assert page.context["page"].protection.report.quasi == ["所属", "性別", "年齢"]
    assert "k=5に届いています" not in page.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("k", "1", "2から100までの数を入力してください。"), ("k", "101", "2から100までの数を入力してください。"),
    ("k", "９９９９９９９９９９９９９９９９９９９９", "2から100までの数"), ("k", "五", "整数"),
    ("department_map", "総務部人事課", "「所属名,上位の部」の形で書いてください"),
])
def test_out_of_range_settings_are_refused_at_the_field(client_as, world, field, value, message):
    client = client_as(world.hr)
    upload = web.ready(world)
    response = client.post(web.url("risk", world.contract, pk=upload.pk), _post(upload, **{field: value}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    upload.refresh_from_db()
    assert (upload.k, upload.plan) == (5, [])


def test_a_department_table_lifts_names_the_rule_cannot_read(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    table = "総務部人事課,管理部門\n福祉部保育課,管理部門"
    client.post(web.url("risk", world.contract, pk=upload.pk), _post(upload, quasi=["所属", "性別"], g_0="1",
                                                                     department_map=table))
    upload.refresh_from_db()
    assert upload.department_map == {"総務部人事課": "管理部門", "福祉部保育課": "管理部門"}
    protection = _page(client, world, upload).context["page"].protection
    assert set(protection.columns["所属"]) == {"管理部門"}


def test_the_risk_page_is_only_for_a_validated_upload(client_as, world):
    client = client_as(world.hr)
    upload = web.uploaded(world)
    response = client.get(web.url("risk", world.contract, pk=upload.pk))
    assert response.status_code == 302 and response["Location"] == web.url("index", world.contract)
    assert SurveyUpload.objects.get(pk=upload.pk).state == SurveyUpload.State.MAPPING
