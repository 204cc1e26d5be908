"""Steps ①–⑥ of 資料2-1: completing takes a date and a note, undoing asks for a reason, nothing is lost.

Issue 7, B.14: one mis-click on 「未了に戻す」 replaced 「令和8年10月13日 10:00・CD-Rで送付（手渡し）」 with now and lost
the note.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from contracts import services
from contracts.models import Contract, ContractStepEvent
from core.errors import DomainError

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
SENT = dt.datetime(2025, 10, 13, 10, 0, tzinfo=TOKYO)


def _step(world, n=Contract.Step.DATA_SENT):
    return world.contract.steps.get(step=n)


def test_completing_a_step_keeps_the_stated_time_and_note_with_one_audit_entry(world):
    before = AuditEntry.objects.count()
    services.contract_step_complete(contract=world.contract, step=3, completed_at=SENT, note="CD-Rで送付（手渡し）",
                                    actor=world.hr)
    row = _step(world)
    assert (row.completed_at, row.note, row.completed_by) == (SENT, "CD-Rで送付（手渡し）", world.hr)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(action="contract.step.completed")
    assert entry.payload["note"] == "CD-Rで送付（手渡し）" and entry.payload["step"] == 3


def test_a_step_completed_without_a_date_is_completed_now(world):
    row = services.contract_step_complete(contract=world.contract, step=1, actor=world.hr)
    assert abs(row.completed_at - timezone.now()) < dt.timedelta(seconds=5)


def test_undoing_needs_a_reason_and_changes_nothing_without_one(world):
    services.contract_step_complete(contract=world.contract, step=3, completed_at=SENT, note="CD-Rで送付（手渡し）",
                                    actor=world.hr)
    with pytest.raises(DomainError, match="未了に戻す理由を入力してください。") as refused:
        services.contract_step_reopen(contract=world.contract, step=3, reason="  ", actor=world.hr)
    assert refused.value.field == "reason"
    assert _step(world).completed_at == SENT


def test_an_undone_step_keeps_what_it_replaced_in_its_history(world, client_as):
    services.contract_step_complete(contract=world.contract, step=3, completed_at=SENT, note="CD-Rで送付（手渡し）",
                                    actor=world.hr)
    services.contract_step_reopen(contract=world.contract, step=3, reason="誤って押したため", actor=world.hr)
    row = _step(world)
    assert not row.is_done and row.note == ""
    history = list(row.events.order_by("recorded_at", "pk").values_list("kind", "happened_at", "text"))
    assert history[0] == (ContractStepEvent.Kind.COMPLETED, SENT, "CD-Rで送付（手渡し）")
    assert history[1][0] == ContractStepEvent.Kind.REOPENED and history[1][2] == "誤って押したため"
    entry = AuditEntry.objects.get(action="contract.step.reopened")
    assert entry.payload["reason"] == "誤って押したため" and entry.payload["was_note"] == "CD-Rで送付（手渡し）"

    page = client_as(world.hr).get(reverse("contracts:detail", args=[world.contract.slug])).content.decode()
    assert "完了（令和7年10月13日 10:00）・備考: CD-Rで送付（手渡し）" in page
    assert "未了に戻した・理由: 誤って押したため" in page


def test_the_undo_page_shows_what_will_be_undone_before_anything_changes(world, client_as):
    services.contract_step_complete(contract=world.contract, step=3, completed_at=SENT, note="CD-Rで送付（手渡し）",
                                    actor=world.hr)
    client = client_as(world.hr)
    url = reverse("contracts:step_reopen", args=[world.contract.slug, 3])
    page = client.get(url).content.decode()
    assert "令和7年10月13日 10:00・CD-Rで送付（手渡し）" in page and "未了に戻す理由" in page
    assert _step(world).is_done  # opening the page is not the undo
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and _step(world).is_done
    response = client.post(url, {"reason": "日付の誤り"})
    assert response.status_code == 302 and not _step(world).is_done


def test_the_complete_page_offers_now_and_takes_another_date(world, client_as):
    client = client_as(world.hr)
    url = reverse("contracts:step_complete", args=[world.contract.slug, 3])
    page = client.get(url).content.decode()
    shown = dt.datetime.strptime(page.split('name="completed_at" value="')[1][:16], "%Y-%m-%dT%H:%M")
    assert abs(shown - timezone.localtime().replace(tzinfo=None)) < dt.timedelta(minutes=2)
    response = client.post(url, {"completed_at": "2025-10-13T10:00", "note": "CD-Rで送付（手渡し）"})
    assert response.status_code == 302
    assert _step(world).completed_at == SENT


TOMORROW = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("when", "message"), [
    (TOMORROW, "これから先の日時は入力できません"),
    ("2025-03-31T10:00", "この契約の年度（令和7年度）の令和7年4月1日以降"),
])
def test_a_completion_date_outside_the_year_or_in_the_future_is_refused_at_the_field(world, client_as, when,
                                                                                      message):
    client = client_as(world.hr)
    response = client.post(reverse("contracts:step_complete", args=[world.contract.slug, 3]),
                           {"completed_at": when, "note": "メモ"})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["completed_at"])
    assert response.context["form"]["note"].value() == "メモ"  # nothing typed is lost
    assert not _step(world).is_done


def test_an_over_long_note_says_so_at_the_note(world, client_as):
    client = client_as(world.hr)
    response = client.post(reverse("contracts:step_complete", args=[world.contract.slug, 3]),
                           {"completed_at": "2025-10-13T10:00", "note": "あ" * 301})
    assert response.status_code == 400
    page = response.content.decode()
    assert "工程の指定が正しくありません" not in page
    assert "300" in str(response.context["form"].errors["note"])
    assert not _step(world).is_done
    with pytest.raises(DomainError, match="300文字以内") as refused:
        services.contract_step_complete(contract=world.contract, step=3, note="あ" * 301, actor=world.hr)
    assert refused.value.field == "note"


def test_completing_twice_is_refused_and_says_how_to_correct(world):
    services.contract_step_complete(contract=world.contract, step=3, completed_at=SENT, actor=world.hr)
    with pytest.raises(DomainError, match="未了に戻してから"):
        services.contract_step_complete(contract=world.contract, step=3, actor=world.hr)
    assert _step(world).completed_at == SENT
    assert AuditEntry.objects.filter(action="contract.step.completed").count() == 1


def test_an_unknown_step_is_not_found(world, client_as):
    client = client_as(world.hr)
    assert client.get(reverse("contracts:step_complete", args=[world.contract.slug, 7])).status_code == 404
    assert client.post(reverse("contracts:step_reopen", args=[world.contract.slug, 0]), {"reason": "x"}).status_code \
        == 404


def test_only_hr_records_steps(world):
    from django.core.exceptions import PermissionDenied

    for person in (world.manager, world.auditor):
        with pytest.raises(PermissionDenied):
            services.contract_step_complete(contract=world.contract, step=1, actor=person)
    assert not _step(world, 1).is_done


def test_steps_done_before_the_history_existed_get_it_from_the_migration():
    """The data migration gives an already completed step its first history entry."""
    import importlib

    from django.apps import apps

    from contracts.models import ContractStep
    from tests.factories import make_world

    world = make_world()
    ContractStep.objects.filter(contract=world.contract, step=2).update(completed_at=SENT, note="回答期間終了",
                                                                        completed_by=world.hr)
    migration = importlib.import_module("contracts.migrations.0003_step_history_from_present_state")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # safe twice
    events = list(ContractStepEvent.objects.filter(step__contract=world.contract))
    assert [(e.step.step, e.happened_at, e.text) for e in events] == [(2, SENT, "回答期間終了")]
