"""The report deadlines (個人情報保護法施行規則 第44条), as the incident page shows them.

第1項 「前条各号に定める事態を知った後、速やかに、…報告しなければならない」: the 速報, shown as the Commission's
目安 of 3 to 5 days. 第2項 「当該事態を知った日から三十日以内（当該事態が前条第三号に定めるものである場合にあっては、
六十日以内）に…報告しなければならない」: the 確報.
"""

import datetime as dt

import pytest

from incidents.assessment import assess
from incidents.models import IncidentEvent
from incidents.rules import RULE_44, Facts, deadlines, ppc_report_required
from incidents.services import incident_event_add
from tests.incidents.helpers import register_paper, report, tokyo

pytestmark = pytest.mark.django_db


def test_the_rule_quotes_article_44():
    assert "前条各号に定める事態を知った後、速やかに" in RULE_44[1]
    assert "当該事態を知った日から三十日以内（当該事態が前条第三号に定めるものである場合にあっては、六十日以内）" in RULE_44[2]


def test_the_preliminary_report_is_due_3_to_5_days_and_the_final_in_30(world, clock):
    clock.set(tokyo(2025, 6, 29, 9, 0))
    incident = report(world, items=[register_paper(world)], affected_count=101,
                      discovered_at=tokyo(2025, 6, 28, 23, 30))
    assessment = assess(incident)
    assert assessment.deadlines.discovered_on == dt.date(2025, 6, 28)
    assert (assessment.deadlines.preliminary_from, assessment.deadlines.preliminary_to) == (
        dt.date(2025, 7, 1), dt.date(2025, 7, 3))
    assert assessment.deadlines.final == dt.date(2025, 7, 28)
    preliminary, final, persons = assessment.steps
    assert preliminary.due_text == "令和7年7月1日〜令和7年7月3日（3〜5日以内（目安））"
    assert final.due_text == "令和7年7月28日まで（30日以内）"
    assert persons.due_to is None


def test_the_final_report_for_wrongful_purpose_is_due_in_60_days(world, clock):
    incident = report(world, items=[register_paper(world)], affected_count=3, wrongful_purpose=True,
                      kind="unauthorised_access", discovered_at=tokyo(2025, 6, 1, 9, 0))
    final = assess(incident).steps[1]
    assert final.due_to == dt.date(2025, 7, 31)
    assert final.due_text == "令和7年7月31日まで（60日以内）"


def test_the_day_is_tokyos_even_for_a_moment_written_in_utc():
    # 00:30 in Tokyo on 29 June is 15:30 UTC on 28 June: the incident was learned of on the 29th.
    decision = ppc_report_required(Facts(affected_count=101))
    late = deadlines(tokyo(2025, 6, 29, 0, 30).astimezone(dt.UTC), decision)
    assert late.discovered_on == dt.date(2025, 6, 29)
    assert late.final == dt.date(2025, 7, 29)


def test_nothing_is_due_for_an_incident_that_is_not_reportable(world, clock):
    assessment = assess(report(world, items=[register_paper(world)], affected_count=100))
    assert assessment.deadlines is None
    assert assessment.steps == ()


def test_the_page_shows_the_deadlines_and_which_are_recorded_late_or_overdue(world, clock, client_as):
    incident = report(world, items=[register_paper(world)], affected_count=101,
                      discovered_at=tokyo(2025, 6, 10, 8, 0))
    clock.set(tokyo(2025, 6, 16, 10, 0))  # after the window's last day, 15 June
    incident_event_add(incident=incident, actor=world.hr, kind=IncidentEvent.Kind.PPC_PRELIMINARY,
                       happened_at=tokyo(2025, 6, 16, 9, 0), note="受付番号 2025-0616-01")
    clock.set(tokyo(2025, 7, 11, 10, 0))  # the day after the 確報's last day, 10 July
    page = client_as(world.hr).get(f"/incidents/{world.contract.slug}/{incident.pk}/").content.decode()
    assert "令和7年6月13日〜令和7年6月15日（3〜5日以内（目安））" in page
    assert "令和7年7月10日まで（30日以内）" in page
    assert "期限後" in page       # the 速報, recorded on 16 June
    assert "期限超過" in page     # the 確報, not recorded
    assert "受付番号 2025-0616-01" in page
