"""Strangers cannot fill the audit trail (issue 13, finding 4): 300 guessed enrolment links were 300 entries.

Each kind of anonymous failure from one address is one audit entry per minute with a count (the first at
once, the rest as one summary when the minute is over), and past settings.ANONYMOUS_FAILURES_PER_MINUTE
the address gets a 429 page in Japanese that writes nothing more.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.attempts import summarise_finished_minutes
from accounts.models import AttemptCount
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
ADDRESS = "198.51.100.77"


@pytest.fixture
def frozen(monkeypatch):
    """One minute of the clock, so the flood is counted in one (address, minute)."""
    instant = timezone.now().replace(second=1, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


def _new(since: int):
    return AuditEntry.objects.filter(seq__gt=since).order_by("seq")


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _recorded(entries) -> int:
    """How many attempts the entries account for: one each, and a summary its ``repeated``."""
    return sum(e.payload.get("repeated", 1) for e in entries)


def test_300_guessed_links_from_one_address_are_a_handful_of_entries_with_their_count(world, frozen):
    since = _last_seq()
    stranger = Client(REMOTE_ADDR=ADDRESS)
    statuses = [stranger.get(reverse("accounts:welcome_link", kwargs={"token": f"guess-{n:04d}-" + "x" * 30})).status_code
                for n in range(300)]
    assert statuses.count(404) == 30 and statuses.count(429) == 270
    assert _new(since).count() == 2  # the first refusal and the first throttled request
    summarise_finished_minutes(frozen + dt.timedelta(minutes=1))
    entries = list(_new(since))
    assert len(entries) == 4
    refused = [e for e in entries if e.action == "auth.enrolment.link_refused"]
    throttled = [e for e in entries if e.action == "auth.requests.throttled"]
    assert _recorded(refused) == 30 and _recorded(throttled) == 270
    assert {e.ip_address for e in entries} == {ADDRESS}
    assert refused[1].payload == {"reason": "unknown", "repeated": 29,
                                  "minute": timezone.localtime(frozen.replace(second=0)).isoformat()}
    assert not AttemptCount.objects.exists()


def test_the_refusal_is_a_japanese_page_and_writes_nothing_more(world, frozen):
    stranger = Client(REMOTE_ADDR=ADDRESS)
    for n in range(31):
        response = stranger.get(reverse("accounts:welcome_link", kwargs={"token": f"g{n}"}))
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "受付を一時的に止めています" in response.content.decode()
    before = AuditEntry.objects.count()
    for n in range(20):
        assert stranger.get(reverse("accounts:welcome_link", kwargs={"token": f"h{n}"})).status_code == 429
        assert stranger.post(reverse("accounts:login"), {"username": "hr", "password": "x"}).status_code == 429
    assert AuditEntry.objects.count() == before
    # Another address is answered as usual.
    assert Client(REMOTE_ADDR="192.0.2.5").get(reverse("accounts:welcome_link", kwargs={"token": "z"})).status_code == 404


def test_300_made_up_usernames_from_one_address_are_a_handful_of_entries_with_their_count(world, frozen):
    since = _last_seq()
    stranger = Client(REMOTE_ADDR=ADDRESS)
    statuses = [stranger.post(reverse("accounts:login"), {"username": f"made-up-{n}", "password": "Winter2025!"})
                .status_code for n in range(300)]
    assert 429 in statuses
    summarise_finished_minutes(frozen + dt.timedelta(minutes=1))
    entries = list(_new(since))
    assert len(entries) <= 6  # failed, locked out and throttled: each its first entry and its summary
    failed = [e for e in entries if e.action == "auth.login_failed"]
    throttled = [e for e in entries if e.action == "auth.requests.throttled"]
    # Every request is either a failed sign-in or a throttled one: the trail accounts for all 300.
    assert _recorded(failed) + _recorded(throttled) == 300
    assert all(e.actor_label in ("", "(unknown)") for e in entries)


def test_the_summary_is_written_by_the_next_failure_from_anywhere(world, frozen, monkeypatch):
    stranger = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(3):
        stranger.post(reverse("accounts:login"), {"username": "hr", "password": "wrong password!!"})
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 1
    later = frozen + dt.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    Client(REMOTE_ADDR="192.0.2.9").get(reverse("accounts:welcome_link", kwargs={"token": "nothing"}))
    summary = AuditEntry.objects.filter(action="auth.login_failed").order_by("seq").last()
    assert summary.payload["repeated"] == 2 and summary.ip_address == ADDRESS
    assert summary.actor_label == "hr"


def test_the_daily_job_writes_the_summaries_and_the_log_reads_them_in_words(world, frozen, monkeypatch, client_as):
    import io

    from django.core.management import call_command

    stranger = Client(REMOTE_ADDR=ADDRESS)
    for n in range(5):
        stranger.get(reverse("accounts:welcome_link", kwargs={"token": f"guess{n}"}))
    later = frozen + dt.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Anonymous failure counts summarised in the audit trail: 1." in out.getvalue()
    summary = AuditEntry.objects.filter(action="auth.enrolment.link_refused").order_by("seq").last()
    assert summary.payload["repeated"] == 4
    page = client_as(world.auditor).get("/audit/?action=利用開始").content.decode()
    assert "同じ接続元から1分間" in page and "さらに4回（まとめて1件に記録）" in page


def test_wrong_codes_on_the_enrolment_page_are_one_entry_each_kind_with_their_count(world, frozen):
    """Nobody is signed in on the enrolment page: each wrong code (auth.enrolment.code_failed) and each try
    while the authenticator is throttled (auth.otp.throttled) was an entry of its own."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.enrolment import approved_new_person, open_link, token_from_last_mail

    person = approved_new_person(world).user
    visitor = Client(REMOTE_ADDR=ADDRESS)
    assert open_link(visitor, token_from_last_mail()).status_code == 200
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    wrong = f"{(TOTP(device.bin_key, device.step, device.t0, device.digits).token() + 1) % 1_000_000:06d}"
    since = _last_seq()
    for _ in range(20):
        response = visitor.post(reverse("accounts:welcome"), {
            "new_password1": "夕焼けの多摩川を自転車で走る", "new_password2": "夕焼けの多摩川を自転車で走る",
            "token": wrong})
        assert response.status_code == 400
    assert _new(since).count() == 2  # the first wrong code, the first try while throttled
    summarise_finished_minutes(frozen + dt.timedelta(minutes=1))
    entries = list(_new(since))
    assert {e.action for e in entries} == {"auth.enrolment.code_failed", "auth.otp.throttled"}
    assert len(entries) == 3 and _recorded(entries) == 20
    assert {e.object_id for e in entries} == {str(person.pk)} and {e.ip_address for e in entries} == {ADDRESS}
