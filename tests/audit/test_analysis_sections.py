"""The monthly access-log analysis reads one month of the log in five sections, the way an auditor looks
for trouble (seed 別紙, system item 08: 「…アクセスログ等を取得する。取得したログは、定期的に分析する。」):
failed sign-ins and lockouts by account and address, downloads of personal data by person and hour, what
people did outside office hours, accounts unused for 90 days, and what was done in the admin."""

import datetime as dt
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.attempts import summarise_finished_minutes
from audit.analysis import Month, analyse
from audit.services import audit_log, recorded_at
from tests.audit.conftest import assert_reads_in_words, table_text
from tests.handover.conftest import tokyo

pytestmark = pytest.mark.django_db

JUNE = Month(2025, 6)
LOGIN = "/accounts/login/"


@pytest.fixture
def june(clock):
    clock.set(tokyo(2025, 6, 20, 12, 0))
    return clock


def _page(client, month=JUNE) -> str:
    response = client.get(reverse("audit:analysis_month", kwargs={"year": month.year, "month": month.month}))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return table_text(page[start:])


def _at(when, **entry):
    with recorded_at(when):
        return audit_log(**entry)


def test_failed_sign_ins_and_lockouts_are_counted_by_account_and_address(world, client, client_as):
    # On the real clock: django-axes counts failures within its own window of time.
    for _ in range(2):
        client.post(LOGIN, {"username": "manager_a", "password": "wrong"}, REMOTE_ADDR="192.0.2.10")
    # The fifth failure locks handler_a out from that address; the sixth attempt meets the lockout.
    for _ in range(6):
        client.post(LOGIN, {"username": "handler_a", "password": "wrong"}, REMOTE_ADDR="192.0.2.20")
    client.post(LOGIN, {"username": "handler_a", "password": "wrong"}, REMOTE_ADDR="192.0.2.21")
    client.post(LOGIN, {"username": "typed-my-passphrase-here", "password": "x"}, REMOTE_ADDR="192.0.2.30")
    # The repeats of a minute reach the trail as one summary entry each once that minute is over.
    summarise_finished_minutes(timezone.now() + dt.timedelta(minutes=1))

    now = Month.current()
    rows = {(r.account, r.address): (r.password, r.code, r.lockout) for r in analyse(world.auditor, now).sign_ins}
    assert rows[("田中 誠", "192.0.2.10")] == (2, 0, 0)
    password, code, lockout = rows[("山田 美咲", "192.0.2.20")]
    assert (password, code) == (6, 0) and lockout >= 1
    assert rows[("山田 美咲", "192.0.2.21")] == (1, 0, 0)
    assert rows[("登録のない利用者名", "192.0.2.30")] == (1, 0, 0)

    page = _page(client_as(world.auditor), now)
    shown = _section(page, "sign-ins")
    # Lockouts first, then the most failures.
    assert shown.index("山田 美咲 192.0.2.20") < shown.index("田中 誠 192.0.2.10")
    assert "登録のない利用者名 192.0.2.30 1 0 0" in shown
    # What was typed as a user name is never shown: it may be a password typed into the wrong field.
    assert "typed-my-passphrase-here" not in page
    assert_reads_in_words(shown)


def test_a_wrong_second_factor_code_counts_under_the_account(world, client):
    client.post(LOGIN, {"username": "hr", "password": "correct horse battery staple"}, REMOTE_ADDR="192.0.2.40")
    client.post("/accounts/verify/", {"token": "000000"}, REMOTE_ADDR="192.0.2.40")
    client.post("/accounts/verify/", {"token": "111111"}, REMOTE_ADDR="192.0.2.40")
    rows = {(r.account, r.address): (r.password, r.code)
            for r in analyse(world.auditor, Month.current()).sign_ins}
    # One of the two codes may by chance be the right one; at least one was wrong.
    assert rows[("佐藤 花子", "192.0.2.40")][0] == 0 and rows[("佐藤 花子", "192.0.2.40")][1] >= 1


def test_downloads_of_personal_data_are_counted_by_person_and_hour(world, june, client_as):
    for minute in (5, 20, 50):
        _at(tokyo(2025, 6, 12, 10, minute), action="handover.ledger.exported", actor=world.hr,
            contract=world.contract, payload={"format": "xlsx", "rows": 3})
    _at(tokyo(2025, 6, 12, 14, 0), action="checklist.exported", actor=world.hr, contract=world.contract,
        payload={"side": "ward", "format": "pdf"})
    _at(tokyo(2025, 6, 13, 9, 30), action="handover.ledger.exported", actor=world.auditor, contract=world.contract,
        payload={"format": "pdf", "rows": 3})
    # Not a download of personal data, and not in June: neither counts.
    _at(tokyo(2025, 6, 12, 10, 30), action="handover.storage.checked", actor=world.manager, contract=world.contract)
    _at(tokyo(2025, 5, 31, 23, 59), action="handover.ledger.exported", actor=world.manager, contract=world.contract,
        payload={"format": "xlsx", "rows": 1})

    result = analyse(world.auditor, JUNE)
    by_person = {r.person: (r.count, r.days, r.busiest) for r in result.downloads}
    assert by_person == {"佐藤 花子": (4, 1, (tokyo(2025, 6, 12, 10, 0), 3)),
                         "鈴木 一郎": (1, 1, (tokyo(2025, 6, 13, 9, 0), 1))}
    assert [(r.person, r.hour, r.count) for r in result.busiest_hours][0] == ("佐藤 花子", tokyo(2025, 6, 12, 10), 3)

    page = _page(client_as(world.auditor))
    shown = _section(page, "downloads")
    assert "佐藤 花子 4 1 令和7年6月12日 10:00からの1時間に3件" in shown
    assert "田中 誠" not in shown


def test_access_outside_office_hours_is_listed_by_person(world, june, client_as, settings):
    settings.OFFICE_HOURS = "08:30-17:15"
    _at(tokyo(2025, 6, 10, 17, 20), action="handover.storage.checked", actor=world.manager, contract=world.contract)
    _at(tokyo(2025, 6, 10, 22, 0), action="auth.login", actor=world.manager)
    _at(tokyo(2025, 6, 14, 11, 0), action="auth.login", actor=world.manager)  # a Saturday, at noon
    _at(tokyo(2025, 6, 11, 8, 29), action="auth.login", actor=world.hr)
    # Inside the hours on weekdays: not listed.
    _at(tokyo(2025, 6, 11, 8, 30), action="auth.login", actor=world.hr)
    _at(tokyo(2025, 6, 13, 17, 14), action="auth.login", actor=world.handler)
    # Nobody signed in: a failed login at night belongs to the sign-in section, not to a person's work.
    _at(tokyo(2025, 6, 13, 23, 0), action="auth.login_failed", actor_label="manager_a")

    rows = {r.person: (r.count, r.days) for r in analyse(world.auditor, JUNE).after_hours}
    assert rows == {"田中 誠": (3, 2), "佐藤 花子": (1, 1)}
    page = _page(client_as(world.auditor))
    assert "平日（月曜日〜金曜日）08:30〜17:15（日本時間）" in page
    assert "田中 誠 3 2 令和7年6月10日 17:20 令和7年6月14日 11:00" in _section(page, "after-hours")


def test_accounts_unused_for_ninety_days_are_listed(world, june, client_as):
    long_ago = tokyo(2025, 1, 6, 9, 0)
    users = get_user_model()
    users.objects.filter(pk__in=[world.manager.pk, world.handler.pk, world.outsider.pk, world.hr.pk,
                                 world.auditor.pk, world.other_manager.pk]).update(date_joined=long_ago)
    _at(tokyo(2025, 3, 1, 9, 0), action="auth.login", actor=world.manager)   # 111 days before the 20th of June
    _at(tokyo(2025, 6, 2, 9, 0), action="auth.login", actor=world.handler)   # recent
    _at(tokyo(2025, 6, 3, 9, 0), action="auth.login", actor=world.hr)
    _at(tokyo(2025, 6, 3, 9, 0), action="auth.login", actor=world.auditor)
    _at(tokyo(2025, 6, 3, 9, 0), action="auth.login", actor=world.other_manager)
    users.objects.filter(pk=world.outsider.pk).update(is_active=False)  # closed: not listed whatever its age
    unused = {r.person: r.last_login for r in analyse(world.auditor, JUNE).unused}
    assert unused == {"田中 誠": tokyo(2025, 3, 1, 9, 0)}

    # Someone who never signed in, with an account opened long ago, is listed too.
    users.objects.filter(pk=world.outsider.pk).update(is_active=True)
    page = _page(client_as(world.auditor))
    shown = _section(page, "unused")
    assert "部外 者 新宿区 総務部人材育成等担当課 ログインの記録なし 令和7年1月6日" in shown
    assert "田中 誠 委託先A株式会社 令和7年3月1日 09:00" in shown


def test_a_past_month_counts_unused_accounts_at_its_end(world, june):
    get_user_model().objects.filter(pk=world.manager.pk).update(date_joined=tokyo(2024, 12, 1))
    _at(tokyo(2025, 1, 20, 9, 0), action="auth.login", actor=world.manager)
    _at(tokyo(2025, 6, 2, 9, 0), action="auth.login", actor=world.manager)
    # At the end of April 2025 the last sign-in was 100 days before; the June sign-in came later.
    assert [r.person for r in analyse(world.auditor, Month(2025, 4)).unused] == ["田中 誠"]
    assert analyse(world.auditor, JUNE).unused == []


def test_admin_actions_are_listed_in_words(world, june, client_as):
    _at(tokyo(2025, 6, 9, 10, 0), action="admin.contracts.contract.changed", actor=world.hr,
        contract=world.contract, obj=world.contract, payload={"fields": ["title"]})
    _at(tokyo(2025, 6, 9, 10, 5), action="admin.auth.user.changed", actor=world.hr, obj=world.manager,
        payload={"fields": ["is_active"]})
    result = analyse(world.auditor, JUNE)
    assert result.admin_count == 2 and result.admin_people == [("佐藤 花子", 2)]
    shown = _section(_page(client_as(world.auditor)), "admin-actions")
    assert "管理画面で委託契約を変更" in shown and "管理画面でユーザーを変更" in shown and "利用者 田中 誠" in shown
    assert_reads_in_words(shown)


def test_the_auditor_sees_only_the_contracts_granted_and_the_security_log(world, june):
    from tests.factories import make_contract

    hidden = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-c")
    _at(tokyo(2025, 6, 12, 10, 0), action="handover.ledger.exported", actor=world.hr, contract=hidden,
        payload={"format": "xlsx", "rows": 1})
    assert analyse(world.auditor, JUNE).downloads == []


def test_the_page_names_months_in_the_japanese_era(world, june, client_as):
    page = _page(client_as(world.auditor), Month(2019, 4))
    assert "平成31年4月分のアクセスログの分析" in page
    page = _page(client_as(world.auditor), Month(2019, 5))
    assert "令和元年5月分のアクセスログの分析" in page
    # The month in progress says how far it has been counted.
    assert re.search(r"この月はまだ終わっていません。令和7年6月20日 12:00 までの記録を集計しています。", _page(
        client_as(world.auditor)))
