"""An open incident waits on the dashboards of HR of the contract and of the contractor's handling manager,
with whether it must be reported to the Commission and by when; the contract's menu links to its incidents."""

import pytest

from incidents.services import incident_close
from tests.incidents.helpers import delivered_pair, register_paper, report, tokyo

pytestmark = pytest.mark.django_db


def dashboard(client_as, user) -> str:
    return client_as(user).get("/").content.decode()


def test_a_reportable_incident_shows_its_deadlines_to_hr_and_the_manager(world, clock, client_as):
    incident = report(world, world.handler, items=[register_paper(world)], affected_count=101)
    line = ("事故 No.1（紛失）対応中 — 個人情報保護委員会への報告が必要: 速報 令和7年6月13日〜令和7年6月15日"
            "（3〜5日以内（目安））、確報 令和7年7月10日まで（30日以内）")
    for person in (world.hr, world.manager):
        page = dashboard(client_as, person)
        assert line in page, person
        assert f'href="/incidents/{world.contract.slug}/{incident.pk}/"' in page
        assert "（期限 令和7年6月15日 23:59）" in page  # the next deadline: the 速報 window's last day
    for person in (world.handler, world.auditor, world.other_manager):
        assert "事故 No.1" not in dashboard(client_as, person), person


def test_an_overdue_report_is_marked_and_a_closed_incident_leaves_the_dashboard(world, clock, client_as):
    incident = report(world, items=[register_paper(world)], affected_count=101)
    clock.set(tokyo(2025, 6, 16, 9, 0))
    page = dashboard(client_as, world.hr)
    assert '<span class="badge danger">期限超過</span>' in page and "事故 No.1" in page
    incident_close(incident=incident, actor=world.hr, summary="対応済み", missing_reports_reason="協議のため")
    assert "事故 No.1" not in dashboard(client_as, world.hr)


def test_an_incident_that_is_not_reportable_says_so(world, cd_r, clock, client_as):
    _disc, notice = delivered_pair(world, cd_r, clock)
    report(world, items=[notice], kind="misdelivery", affected_count=0)
    page = dashboard(client_as, world.manager)
    assert "事故 No.1（誤送付）対応中 — 個人情報保護委員会への報告は不要" in page


def test_the_contract_page_links_to_its_incidents(world, client_as):
    page = client_as(world.auditor).get(f"/contracts/{world.contract.slug}/").content.decode()
    assert f'href="/incidents/{world.contract.slug}/"' in page
