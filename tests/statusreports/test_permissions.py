"""Each page offers a form only to whom its rule allows, and the same rule refuses the POST: HR sets the schedule,
requests and decides; the handling manager submits; the handler and the auditor read; a closed contract takes
nothing and says why."""

import pytest

from contracts.models import Contract
from statusreports import services
from statusreports.models import StatusReport

from .helpers import first_report

pytestmark = pytest.mark.django_db

FORMS = {"schedule": "予定を設定する", "request": "報告を求める</button>", "submit": "提出する</button>",
         "decide": "受理する</button>"}


def _forms(html: str) -> set[str]:
    return {name for name, words in FORMS.items() if words in html}


@pytest.mark.parametrize("who, on_list, on_draft", [
    ("hr", {"schedule", "request"}, set()),
    ("manager", set(), {"submit"}),
    ("handler", set(), set()),
    ("auditor", set(), set()),
])
def test_each_person_is_offered_what_they_may_do(world, client_as, who, on_list, on_draft):
    report = first_report(world)
    client = client_as(getattr(world, who))
    assert _forms(client.get(f"/status-reports/{world.contract.slug}/").content.decode()) == on_list
    assert _forms(client.get(f"/status-reports/{world.contract.slug}/{report.pk}/").content.decode()) == on_draft


def test_hr_is_offered_the_decision_once_submitted(world, client_as):
    report = services.report_submit(report=first_report(world), actor=world.manager, text="報告")
    url = f"/status-reports/{world.contract.slug}/{report.pk}/"
    assert _forms(client_as(world.hr).get(url).content.decode()) == {"decide"}
    assert _forms(client_as(world.manager).get(url).content.decode()) == set()


def test_another_contractors_manager_finds_nothing(world, client_as):
    report = first_report(world)
    client = client_as(world.other_manager)
    assert client.get(f"/status-reports/{world.contract.slug}/{report.pk}/").status_code == 404
    assert client.post(f"/status-reports/{world.contract.slug}/{report.pk}/submit/", {"text": "x"}).status_code == 404


def test_a_closed_contract_offers_no_form_and_refuses_with_a_message(world, client_as):
    report = first_report(world)
    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.CLOSED)
    client = client_as(world.manager)
    url = f"/status-reports/{world.contract.slug}/{report.pk}/"
    assert _forms(client.get(url).content.decode()) == set()
    response = client.post(url + "submit/", {"text": "報告"})
    assert response.status_code == 400 and "完了しているため" in response.content.decode()
    assert StatusReport.objects.get(pk=report.pk).status == "draft"
    assert _forms(client_as(world.hr).get(f"/status-reports/{world.contract.slug}/").content.decode()) == set()
