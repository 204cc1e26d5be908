"""A certificate about to lapse is announced 30 days before on the dashboard and by e-mail; a profile waits on
the dashboards of who must act on it (the manager to fill in, HR to accept)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEntry
from core.dashboard import waiting_for
from environment import services
from environment.notifications import send_certificate_reminders
from tests.environment.helpers import accepted, certificate, filled

pytestmark = pytest.mark.django_db


def titles(user):
    return [w.title for w in waiting_for(user) if "届出" in w.title or "認証" in w.title or "ISMS" in w.title]


def test_a_profile_waits_for_whoever_must_act(world):
    assert "委託先A株式会社の情報セキュリティ環境の届出を作成してください" in titles(world.manager)
    profile = filled(world)
    assert "委託先A株式会社の情報セキュリティ環境の届出を記入して区に提出してください（作成中）" in titles(world.manager)
    services.profile_submit(profile=profile, actor=world.manager)
    assert "委託先A株式会社の情報セキュリティ環境の届出を確認してください（受理または差戻し）" in titles(world.hr)
    assert titles(world.auditor) == []
    assert titles(world.other_manager) == ["委託先B株式会社の情報セキュリティ環境の届出を作成してください"]


def test_the_it_section_is_asked_for_the_wards_profile(world):
    from tests.environment.helpers import ward_keeper

    keeper = ward_keeper(world.outsider)
    [row] = [w for w in waiting_for(keeper) if "届出" in w.title]
    assert row.title == "区の情報セキュリティ環境の届出を作成してください" and row.url == "/environment/ward/"
    services.profile_start(organisation=None, actor=keeper)
    assert titles(keeper) == ["区の情報セキュリティ環境の届出を記入して区に提出してください（作成中）"]


def test_a_certificate_is_announced_thirty_days_before_it_lapses(world):
    profile = accepted(world)
    today = timezone.localdate()
    isms = certificate(world, profile, valid_until=today + dt.timedelta(days=30))
    expected = f"委託先A株式会社の{isms.display_name}の有効期限"
    for user in (world.manager, world.hr):
        assert any(t.startswith(expected) and "近づいています" in t for t in titles(user))
    assert send_certificate_reminders(today) == 2
    assert {m.to[0] for m in mail.outbox} == {world.manager.email, world.hr.email}
    assert "に有効期限を迎えます" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="environment.reminders.sent").count() == 1
    # Not every day: the next mail a week before.
    assert send_certificate_reminders(today + dt.timedelta(days=1)) == 0
    # Renewed: nothing more to announce.
    certificate(world, profile, valid_from=today, valid_until=today + dt.timedelta(days=1000), number="IS 2")
    assert not any("有効期限" in t for t in titles(world.manager))
    assert send_certificate_reminders(today + dt.timedelta(days=23)) == 0


def test_two_certificates_lapsing_the_same_day_come_in_one_mail_per_person(world):
    profile = accepted(world)
    today = timezone.localdate()
    isms = certificate(world, profile, valid_until=today + dt.timedelta(days=30))
    pmark = certificate(world, profile, kind="pmark", number="P 9", valid_until=today + dt.timedelta(days=30))
    assert send_certificate_reminders(today) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.manager.email, world.hr.email])
    for sent in mail.outbox:
        assert sent.subject == "【認証の有効期限】2件の認証"
        assert isms.display_name in sent.body and pmark.display_name in sent.body
        assert sent.body.count("に有効期限を迎えます") == 2


def test_a_lapsed_certificate_is_overdue_on_the_dashboard(world):
    profile = accepted(world)
    certificate(world, profile, valid_until=timezone.localdate() - dt.timedelta(days=1))
    [row] = [w for w in waiting_for(world.manager) if "有効期限" in w.title]
    assert row.overdue and "過ぎています" in row.title


def test_a_stale_profile_is_overdue_for_the_keeper_and_hr(world):
    from environment.models import EnvironmentProfile

    profile = accepted(world)
    EnvironmentProfile.objects.filter(pk=profile.pk).update(accepted_at=timezone.now() - dt.timedelta(days=400))
    for user, words in ((world.manager, "年次の見直しの時期です"), (world.hr, "受理から1年が過ぎています")):
        [row] = [w for w in waiting_for(user) if words in w.title]
        assert row.overdue and row.title.startswith("委託先A株式会社の情報セキュリティ環境の届出")
