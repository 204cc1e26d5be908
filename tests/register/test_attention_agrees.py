"""Each count of the register is the owning app's own answer: the bulk reading the register does for every
contract at once agrees, contract by contract, with what each app shows on its own pages and dashboards."""

import pytest
from django.urls import reverse

from contracts.closing import closing_blockers
from environment.selectors import waiting_environment
from handover.models import Item
from incidents.assessment import assess, assess_many
from incidents.models import Incident
from incidents.selectors import open_incidents, waiting_incidents
from register.attention import attention_for
from statusreports.selectors import report_summary, waiting_reports
from supervision.selectors import waiting_for_hr
from tests.handover.conftest import clock  # noqa: F401 (fixture)
from tests.incidents.conftest import cd_r  # noqa: F401 (fixture)

from .helpers import TODAY, busy_ward

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(world, cd_r, clock):  # noqa: F811
    return busy_ward(world, cd_r, clock)


def _contracts(ward):
    return [ward["a"], ward["b"], ward["c"], ward["draft"]]


def test_the_ward_is_as_the_helpers_made_it(ward):
    a, b, c, draft = _contracts(ward)
    attention = attention_for(_contracts(ward), TODAY)
    assert attention[a.pk].inspections_overdue == 1 and attention[c.pk].inspections_overdue == 1
    assert attention[b.pk].inspections_overdue == 0  # cancelled
    assert attention[a.pk].media_not_back == 2  # the disc and its notice; the paper came back
    assert attention[a.pk].deletion_not_accepted and not attention[b.pk].deletion_not_accepted
    assert attention[a.pk].open_incidents == 2
    assert attention[a.pk].ppc_overdue
    assert [cert.number for cert in attention[a.pk].certificates] == ["IS 1"]
    assert [cert.number for cert in attention[b.pk].certificates] == ["IS 2"]
    assert attention[draft.pk].certificates_expiring == 1  # B's contractor
    assert attention[a.pk].past_end and not attention[c.pk].past_end
    assert attention[a.pk].reports_overdue == 9 and attention[c.pk].reports_overdue == 0
    assert attention[b.pk].reports_overdue == 1  # the request; no schedule
    assert not any(vars(attention[draft.pk])[name] for name in (
        "inspections_overdue", "reports_overdue", "media_not_back", "open_incidents", "past_end"))


def test_inspections_overdue_agree_with_hr_dashboard(ward, world):
    attention = attention_for(_contracts(ward), TODAY)
    rows = waiting_for_hr(world.hr)
    for contract in _contracts(ward):
        shown = sum(1 for w in rows if w.overdue and w.contract.pk == contract.pk)
        assert attention[contract.pk].inspections_overdue == shown, contract.title


def test_status_reports_overdue_agree_with_the_summary_and_the_dashboard(ward, world):
    attention = attention_for(_contracts(ward), TODAY)
    rows = waiting_reports(world.hr)
    for contract in _contracts(ward):
        shown = sum(1 for w in rows if w.overdue and w.contract.pk == contract.pk)
        assert attention[contract.pk].reports_overdue == shown, contract.title
        if contract.status == contract.Status.ACTIVE:
            assert attention[contract.pk].reports_overdue == report_summary(contract, TODAY)["overdue"]


def test_media_and_deletion_report_agree_with_the_closing_blockers(ward):
    attention = attention_for(_contracts(ward), TODAY)
    for contract in _contracts(ward):
        blockers = closing_blockers(contract) if contract.is_past_end else []
        items_url = reverse("handover:items", kwargs={"slug": contract.slug})
        assert (attention[contract.pk].media_not_back > 0) == any(b.url == items_url for b in blockers)
        out = [i for i in Item.objects.filter(contract=contract) if not i.is_at_ward and i.state != Item.State.DISPOSED]
        assert attention[contract.pk].media_not_back == (len(out) if contract.is_past_end else 0)
        assert attention[contract.pk].deletion_not_accepted == any(
            b.text.startswith("消去報告書が受理されていません") for b in blockers), contract.title


def test_incidents_and_their_deadlines_agree_with_the_incident_dashboard(ward, world):
    attention = attention_for(_contracts(ward), TODAY)
    rows = waiting_incidents(world.hr)
    for contract in _contracts(ward):
        mine = [w for w in rows if w.contract.pk == contract.pk]
        assert attention[contract.pk].open_incidents == len(mine) == open_incidents(contract).count()
        dues = [w.due.date() for w in mine if w.due is not None]
        assert attention[contract.pk].next_ppc_due == (min(dues) if dues else None)
        assert attention[contract.pk].ppc_overdue == any(w.overdue for w in mine)


def test_assess_many_gives_what_assess_gives_each(ward):
    incidents = list(Incident.objects.all())
    many = assess_many(incidents)
    assert set(many) == {i.pk for i in incidents}
    for incident in incidents:
        one = assess(incident)
        got = many[incident.pk]
        assert (got.data, got.decision, got.deadlines, got.steps) == (one.data, one.decision, one.deadlines, one.steps)
    assert any(a.decision.required for a in many.values()) and not all(a.decision.required for a in many.values())


def test_certificates_agree_with_the_environment_dashboard(ward, world):
    attention = attention_for(_contracts(ward), TODAY)
    rows = [w for w in waiting_environment(world.hr) if "有効期限" in w.title]
    for contract in (ward["a"], ward["b"]):
        owner = contract.contractor.name
        shown = [w for w in rows if w.title.startswith(owner)]
        assert len(attention[contract.pk].certificates) == len(shown), owner
        for cert in attention[contract.pk].certificates:
            assert any(cert.display_name in w.title for w in shown)
