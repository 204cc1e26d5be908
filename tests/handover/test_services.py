import pytest

from audit.models import AuditEntry
from contracts import services as contract_services
from contracts.models import Designation
from core.errors import DomainError
from handover import rules, services
from handover.forms import ItemForm
from handover.models import Handover, Item, StorageRecord
from tests.factories import designate, make_user

from .conftest import DISC_SHA256, acknowledge, deliver, give_back, register_notice, register_paper, snapshot

SEED_DESIGNEE_LINE = "取扱責任者及び取扱者をあらかじめ指定し、区に報告するよう指導する。"
SEED_HAND_CARRY_LINE = "個人情報を手交する場合は、鍵付きカバン等を使用して運搬する。"
SEED_STORAGE_LINE = "個人情報は、施錠できる金庫又はキャビネット等に保管する。"
SEED_LEDGER_LINE = (
    "個人情報の受渡しにあたっては、管理簿に記載する。管理簿には、日時、取扱者、情報の内容、数量を確認記録票に記録し、"
    "履歴を追跡できるようにする。"
)
SEED_PERIODIC_LINE = "取扱う個人情報の管理について、必要に応じて又は定期的に確認する体制を構築するよう指導する。"


def test_the_other_rules_are_seed_sentences():
    assert rules.DESIGNEE_RULE in SEED_DESIGNEE_LINE
    assert rules.HAND_CARRY_RULE == SEED_HAND_CARRY_LINE
    assert rules.STORAGE_RULE == SEED_STORAGE_LINE
    assert rules.LEDGER_RULE == SEED_LEDGER_LINE
    assert rules.PERIODIC_CHECK_RULE in SEED_PERIODIC_LINE


def refused(call, *, code=None) -> DomainError:
    before = snapshot()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        call()
    assert snapshot() == before, "a refused action must leave every row as it was"
    if code != "hash_mismatch":
        assert AuditEntry.objects.count() == audit_before
    if code:
        assert info.value.code == code
    return info.value


# --- items ---------------------------------------------------------------------------------------


def test_a_notice_names_its_medium_and_never_a_password(world, disc):
    notice = register_notice(world, disc)
    assert notice.opens == disc and notice.is_notice and notice.sha256 == ""
    field_names = {f.name for f in Item._meta.get_fields()} | set(ItemForm(contract=world.contract).fields)
    assert not [name for name in field_names if "password" in name or "passphrase" in name]


def test_only_hr_registers_items_and_labels_are_unique(world, disc, cd_r):
    refused(lambda: services.item_register(contract=world.contract, actor=world.manager, category="paper",
                                           label="X-1", contents="x"))
    error = refused(lambda: services.item_register(contract=world.contract, actor=world.hr, category="medium",
                                                   medium_kind=cd_r, label="CD-001", contents="x"))
    assert error.field == "label"


def test_a_notice_must_open_a_medium_of_the_same_contract(world, disc):
    paper = register_paper(world)
    error = refused(lambda: register_notice(world, paper, label="PN-X"))
    assert error.field == "opens"


def test_sha256_is_checked_and_normalised(world, cd_r, clock):
    from .conftest import register_disc

    spaced = " ".join(DISC_SHA256[i:i + 2] for i in range(0, 64, 2)).upper()
    item = register_disc(world, cd_r, label="CD-009", sha256=spaced)
    assert item.sha256 == DISC_SHA256
    error = refused(lambda: register_disc(world, cd_r, label="CD-010", sha256="abc"))
    assert error.field == "sha256"


# --- recording a handover ------------------------------------------------------------------------


def test_handing_an_item_to_someone_not_an_approved_designee_is_refused(world, disc):
    pending = make_user("pending_c", world.contractor, display_name="未承認 者")
    designate(world.contract, pending, actor=world.hr, approve=False)
    for person in (world.other_manager, world.outsider, world.auditor, pending):
        error = refused(lambda person=person: deliver(world, [disc], recipient=person), code="not_designee")
        assert rules.DESIGNEE_RULE in error.message and error.field == "recipient"


def test_a_revoked_designee_can_no_longer_receive(world, disc):
    designation = Designation.objects.get(contract=world.contract, user=world.handler)
    contract_services.designation_revoke(designation=designation, actor=world.hr)
    refused(lambda: deliver(world, [disc]), code="not_designee")


def test_only_hr_hands_over_to_the_contractor(world, disc):
    refused(lambda: services.handover_record(contract=world.contract, actor=world.manager, direction="delivery",
                                             recipient=world.handler, items=[disc]))


def test_a_return_goes_only_to_an_hr_member_of_the_contract(world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    refused(lambda: give_back(world, [disc], recipient=world.auditor), code="not_hr")
    refused(lambda: give_back(world, [disc], actor=world.other_manager))
    assert give_back(world, [disc]).is_return


def test_handover_is_by_hand_in_a_locked_bag(world, disc):
    error = refused(lambda: deliver(world, [disc], by_hand=False), code="hand_carry")
    assert rules.HAND_CARRY_RULE in error.message
    refused(lambda: deliver(world, [disc], container="  "), code="hand_carry")


def test_an_item_already_out_cannot_be_handed_over_again(world, disc):
    deliver(world, [disc])
    refused(lambda: deliver(world, [disc], recipient=world.manager), code="wrong_state")


def test_a_handover_in_the_future_is_refused(world, disc, clock):
    import datetime as dt

    error = refused(lambda: deliver(world, [disc], handed_at=clock.now() + dt.timedelta(hours=1)))
    assert error.field == "handed_at"


def test_recording_puts_items_in_transit_numbers_the_ledger_and_mails_the_recipient(
        world, disc, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        handover = deliver(world, [disc], notes="事務所にて")
    disc.refresh_from_db()
    assert disc.is_in_transit and handover.number == 1 and handover.is_in_transit
    assert [line.quantity for line in handover.lines.all()] == [1]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [world.handler.email]
    assert "受領確認" in mail.subject
    assert f"/handover/{world.contract.slug}/handovers/{handover.pk}/" in mail.body
    assert "CD-001" in mail.body
    paper = register_paper(world)
    assert deliver(world, [paper]).number == 2


# --- acknowledging -------------------------------------------------------------------------------


def test_acknowledgement_moves_items_to_the_recipient(world, disc):
    handover = acknowledge(deliver(world, [disc]), world.handler)
    disc.refresh_from_db()
    assert handover.is_acknowledged and handover.acknowledged_by == world.handler
    assert handover.acknowledged_for is None and handover.acknowledged_for_reason == ""
    assert disc.is_at_contractor and disc.holder == world.handler  # the person it was handed to
    assert disc.storage is None


def test_acknowledgement_by_a_non_designee_is_refused(world, disc):
    handover = deliver(world, [disc])
    pending = make_user("pending_d", world.contractor)
    designate(world.contract, pending, actor=world.hr, approve=False)
    for person in (world.hr, world.auditor, world.other_manager, world.outsider, pending):
        refused(lambda person=person: acknowledge(handover, person))
    handover.refresh_from_db()
    assert handover.is_in_transit


def test_a_return_is_acknowledged_by_the_ward_only(world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    returned = give_back(world, [disc])
    refused(lambda: acknowledge(returned, world.manager), code="not_hr")
    refused(lambda: acknowledge(returned, world.auditor), code="not_hr")
    acknowledge(returned, world.hr)
    disc.refresh_from_db()
    assert disc.state == Item.State.RETURNED and disc.holder == world.hr


def test_double_acknowledgement_gives_one_success_and_a_clear_message(world, disc):
    handover = deliver(world, [disc])
    acknowledge(handover, world.handler)
    error = refused(lambda: acknowledge(handover, world.manager), code="already_acknowledged")
    assert "山田 美咲さんが" in error.message and "受領確認しています" in error.message
    # The same person pressing twice gets the same answer.
    refused(lambda: acknowledge(handover, world.handler), code="already_acknowledged")
    assert AuditEntry.objects.filter(action="handover.acknowledged").count() == 1


def test_a_matching_hash_is_recorded_on_the_line(world, disc):
    handover = deliver(world, [disc])
    acknowledge(handover, world.handler, hashes={disc.pk: DISC_SHA256.upper()})
    assert handover.lines.get().hash_verified is True


def test_a_hash_mismatch_is_refused_and_recorded(world, disc):
    handover = deliver(world, [disc])
    error = refused(lambda: acknowledge(handover, world.handler, hashes={disc.pk: "0" * 64}), code="hash_mismatch")
    assert error.field == f"sha256_{disc.pk}"
    entry = AuditEntry.objects.get(action="handover.hash_mismatch")
    assert entry.actor == world.handler and entry.object_id == str(handover.pk)
    assert entry.payload["item"] == "CD-001" and entry.payload["entered_sha256"] == "0" * 64
    handover.refresh_from_db()
    assert handover.is_in_transit


@pytest.mark.django_db(transaction=True)
def test_the_mismatch_record_survives_the_refused_transaction(cd_r, clock):
    from tests.factories import make_world

    from .conftest import register_disc

    world = make_world()
    disc = register_disc(world, cd_r)
    handover = deliver(world, [disc])
    with pytest.raises(DomainError):
        acknowledge(handover, world.handler, hashes={disc.pk: "f" * 64})
    # Committed on its own: seen from a fresh query after the refused transaction rolled back.
    assert AuditEntry.objects.filter(action="handover.hash_mismatch", object_id=str(handover.pk)).exists()
    handover.refresh_from_db()
    assert handover.is_in_transit and not handover.lines.get().hash_verified


# --- cancelling ----------------------------------------------------------------------------------


def test_the_giver_may_cancel_before_acknowledgement(world, disc):
    handover = deliver(world, [disc])
    refused(lambda: services.handover_cancel(handover=handover, actor=world.manager, reason="誤り"))
    error = refused(lambda: services.handover_cancel(handover=handover, actor=world.hr, reason=" "))
    assert error.field == "reason"
    services.handover_cancel(handover=handover, actor=world.hr, reason="受取人の誤り")
    disc.refresh_from_db()
    assert disc.state == Item.State.PREPARED
    refused(lambda: acknowledge(handover, world.handler), code="cancelled")
    # A cancelled handover does not count as an occasion for the separation rule.
    notice = register_notice(world, disc)
    assert deliver(world, [notice]).is_in_transit


def test_an_acknowledged_handover_cannot_be_cancelled(world, disc):
    handover = acknowledge(deliver(world, [disc]), world.handler)
    refused(lambda: services.handover_cancel(handover=handover, actor=world.hr, reason="x"))


# --- storage and checks --------------------------------------------------------------------------


@pytest.fixture
def received(world, disc):
    acknowledge(deliver(world, [disc]), world.handler)
    disc.refresh_from_db()
    return disc


def test_storage_must_be_lockable(world, received):
    error = refused(lambda: services.storage_record(item=received, actor=world.handler, place="cabinet",
                                                    location="机の上", locked=False), code="not_locked")
    assert rules.STORAGE_RULE in error.message


def test_storage_is_recorded_by_the_holding_side_only(world, received, disc):
    for person in (world.hr, world.auditor, world.other_manager):
        refused(lambda person=person: services.storage_record(item=received, actor=person, place="safe",
                                                              location="金庫", locked=True))
    record = services.storage_record(item=received, actor=world.manager, place="cabinet",
                                     location="キャビネットB-2", locked=True)
    received.refresh_from_db()
    assert received.storage == record and received.last_checked_at == record.recorded_at
    assert str(record) == "キャビネット キャビネットB-2"


def test_no_storage_while_in_transit(world, disc):
    deliver(world, [disc])
    refused(lambda: services.storage_record(item=disc, actor=world.handler, place="safe", location="金庫",
                                            locked=True))


def test_periodic_checks_need_a_storage_record_and_move_the_due_date(world, received, clock):
    refused(lambda: services.storage_check_record(item=received, actor=world.handler))
    services.storage_record(item=received, actor=world.handler, place="cabinet", location="B-2", locked=True)
    clock.advance(days=29)
    received.refresh_from_db()
    first_due = received.next_check_due
    services.storage_check_record(item=received, actor=world.manager, note="月次")
    received.refresh_from_db()
    assert received.next_check_due > first_due
    assert received.storage_checks.get().note == "月次"
    refused(lambda: services.storage_check_record(item=received, actor=world.hr))


def test_a_returned_item_is_stored_by_the_ward(world, received, clock):
    clock.advance(days=1)
    acknowledge(give_back(world, [received]), world.hr)
    received.refresh_from_db()
    refused(lambda: services.storage_record(item=received, actor=world.handler, place="safe", location="金庫",
                                            locked=True))
    record = services.storage_record(item=received, actor=world.hr, place="safe", location="人材育成等担当課 金庫",
                                     locked=True)
    assert StorageRecord.objects.get(item=received) == record


# --- the audit trail -----------------------------------------------------------------------------


def test_every_transition_writes_exactly_one_audit_entry(world, cd_r, clock):
    from .conftest import register_disc

    def one_entry(action, call):
        before = AuditEntry.objects.count()
        result = call()
        assert AuditEntry.objects.count() == before + 1
        assert AuditEntry.objects.order_by("-seq").first().action == action
        return result

    disc = one_entry("handover.item.registered", lambda: register_disc(world, cd_r))
    handover = one_entry("handover.recorded", lambda: deliver(world, [disc]))
    one_entry("handover.cancelled", lambda: services.handover_cancel(handover=handover, actor=world.hr, reason="誤"))
    handover = deliver(world, [disc])
    one_entry("handover.acknowledged", lambda: acknowledge(handover, world.handler))
    one_entry("handover.storage.recorded", lambda: services.storage_record(
        item=disc, actor=world.handler, place="safe", location="金庫", locked=True))
    one_entry("handover.storage.checked", lambda: services.storage_check_record(item=disc, actor=world.handler))
    entries = AuditEntry.objects.filter(action__startswith="handover.")
    assert all(entry.contract_id == world.contract.pk for entry in entries)


def test_the_handover_keeps_its_giver_and_recipient(world, disc):
    handover = deliver(world, [disc])
    assert Handover.objects.get(pk=handover.pk).giver == world.hr
    assert Handover.objects.get(pk=handover.pk).recipient == world.handler


def test_nothing_changes_on_a_closed_contract(world, disc, cd_r, clock):
    from contracts.models import Contract

    from .conftest import register_disc

    held = register_disc(world, cd_r, label="CD-H")
    acknowledge(deliver(world, [held]), world.handler)
    services.storage_record(item=held, actor=world.handler, place="safe", location="金庫", locked=True)
    in_transit = deliver(world, [disc], recipient=world.manager)
    clock.advance(days=1)
    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.CLOSED)
    world.contract.refresh_from_db()
    calls = [
        lambda: register_paper(world, "P-9"),
        lambda: deliver(world, [register_paper(world, "P-8")]),
        lambda: give_back(world, [held]),
        lambda: acknowledge(in_transit, world.manager),
        lambda: services.handover_cancel(handover=in_transit, actor=world.hr, reason="誤り"),
        lambda: services.storage_record(item=held, actor=world.handler, place="safe", location="別の金庫", locked=True),
        lambda: services.storage_check_record(item=held, actor=world.handler),
    ]
    for call in calls:
        error = refused(call, code="closed")
        assert error.message.startswith("この契約は完了しているため、記録できません。") and "再開" in error.message
