"""The copy register (複製等の記録): every copy the contractor makes of the data, from the moment it acknowledged
the disc — where, when, by whom, why, encrypted or not.

Issue 9, 2: 「From the moment the disc is acknowledged, the contractor records every copy of the data it makes:
where (analysis PC name or asset number, encrypted backup, other medium), when, by whom, why, encrypted or not.
The dashboard reminds the manager to keep it current; the deletion report must account for every line of it.」
"""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.errors import DomainError
from tests.handover.conftest import acknowledge, deliver, register_disc
from tests.year_end import delivered, register_copy
from yearend import copies, permissions
from yearend.models import CopyRecord

pytestmark = pytest.mark.django_db


def test_no_copy_can_be_recorded_before_the_disc_is_acknowledged(world, clock, cd_r):
    disc = register_disc(world, cd_r)
    handover = deliver(world, [disc])
    with pytest.raises(DomainError, match="受領確認をした後に"):
        register_copy(world, disc)
    acknowledge(handover, world.handler)
    copy = register_copy(world, disc)
    assert (copy.number, copy.place, copy.location, copy.made_by, copy.encrypted) == (
        1, "analysis_pc", "ANL-PC-01", world.handler, True)


def test_each_copy_gets_the_next_number_and_one_audit_entry(world, clock, cd_r):
    disc, _notice = delivered(world, clock, cd_r)
    register_copy(world, disc)
    clock.advance(days=1)
    backup = register_copy(world, disc, by=world.manager, place=CopyRecord.Place.BACKUP, location="BK-01")
    assert backup.number == 2
    entries = AuditEntry.objects.filter(action="handover.copy.registered").order_by("seq")
    assert [e.payload["number"] for e in entries] == [1, 2]
    assert entries.last().payload["place"] == "backup" and entries.last().payload["made_by"] == "manager_a"


def test_a_copy_dated_before_the_disc_arrived_or_in_the_future_is_refused(world, clock, cd_r):
    disc, _notice = delivered(world, clock, cd_r)
    with pytest.raises(DomainError, match="受け取った日時") as early:
        register_copy(world, disc, made_at=disc.handover_lines.get().handover.acknowledged_at - dt.timedelta(days=1))
    assert early.value.field == "made_at"
    with pytest.raises(DomainError, match="これから先") as later:
        register_copy(world, disc, made_at=clock.now() + dt.timedelta(days=1))
    assert later.value.field == "made_at"
    assert not CopyRecord.objects.exists()


def test_the_notice_is_no_source_of_a_copy_and_another_contracts_disc_neither(world, clock, cd_r):
    _disc, notice = delivered(world, clock, cd_r)
    with pytest.raises(DomainError) as refused:
        register_copy(world, notice)
    assert refused.value.field == "source"


def test_only_the_contracts_designees_record_copies(world, clock, cd_r):
    disc, _notice = delivered(world, clock, cd_r)
    for person in (world.hr, world.auditor, world.other_manager):
        assert permissions.may_register_copy(person, world.contract).forbidden
        with pytest.raises(DomainError):
            copies.copy_register(contract=world.contract, actor=person, source=disc, place="analysis_pc",
                                 location="PC", made_at=clock.now(), made_by=world.handler, purpose="分析",
                                 encrypted=True)
    assert not CopyRecord.objects.exists()


def test_the_handler_records_a_copy_on_the_page_and_the_auditor_only_reads(world, clock, cd_r, client_as):
    disc, _notice = delivered(world, clock, cd_r)
    url = reverse("yearend:copies", args=[world.contract.slug])
    client = client_as(world.handler)
    assert "複製を記録する" in client.get(url).content.decode()
    response = client.post(reverse("yearend:copy_create", args=[world.contract.slug]), {
        "copy-source": disc.pk, "copy-place": "analysis_pc", "copy-location": "分析用PC ANL-PC-01",
        "copy-made_at": "2025-06-11T15:00", "copy-made_by": world.handler.pk, "copy-purpose": "集計・分析のため",
        "copy-encrypted": "no"})
    assert response.status_code == 302
    copy = CopyRecord.objects.get()
    assert copy.encrypted is False and copy.location == "分析用PC ANL-PC-01"
    page = client_as(world.auditor).get(url).content.decode()
    assert "複製 No.1（分析用PC 分析用PC ANL-PC-01）" in page and "複製を記録する" not in page


def test_a_refused_copy_keeps_what_was_typed_and_says_why_at_the_field(world, clock, cd_r, client_as):
    disc, _notice = delivered(world, clock, cd_r)
    response = client_as(world.handler).post(reverse("yearend:copy_create", args=[world.contract.slug]), {
        "copy-source": disc.pk, "copy-place": "backup", "copy-location": "BK-01", "copy-made_at": "2025-06-01T10:00",
        "copy-made_by": world.handler.pk, "copy-purpose": "バックアップ", "copy-encrypted": "yes"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "受け取った日時" in page and 'value="BK-01"' in page
    assert not CopyRecord.objects.exists()


def test_a_copy_on_another_medium_names_its_kind_at_the_field(world, clock, cd_r, client_as):
    """Issue 13, 8: 「A copy registered as "other medium" without a medium kind, described as a CD-R, can be reported as
    cleared instead of destroyed. A copy on removable media names its kind」."""
    disc, _notice = delivered(world, clock, cd_r)
    with pytest.raises(DomainError) as refused:
        register_copy(world, disc, place=CopyRecord.Place.OTHER_MEDIUM, location="CD-R 1枚（持ち出し用）")
    assert refused.value.field == "medium_kind" and "媒体の種類" in refused.value.message
    response = client_as(world.handler).post(reverse("yearend:copy_create", args=[world.contract.slug]), {
        "copy-source": disc.pk, "copy-place": "other_medium", "copy-location": "CD-R 1枚（持ち出し用）",
        "copy-made_at": "2025-06-11T15:00", "copy-made_by": world.handler.pk, "copy-purpose": "持ち出し",
        "copy-encrypted": "no"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "その他の媒体に複製したときは、媒体の種類（CD-R・USBメモリ等）を選んでください。" in form.errors["medium_kind"][0]
    assert not CopyRecord.objects.exists()
    copy = register_copy(world, disc, place=CopyRecord.Place.OTHER_MEDIUM, location="持ち出し用 1枚", medium_kind=cd_r)
    assert copy.medium_kind == cd_r and copy.is_destroy_only


def test_the_manager_is_reminded_to_keep_the_register_current(world, clock, cd_r, client_as):
    assert "複製等の記録" not in client_as(world.manager).get("/").content.decode()
    disc, _notice = delivered(world, clock, cd_r)
    register_copy(world, disc)
    page = client_as(world.manager).get("/").content.decode()
    assert "複製等の記録: 複製を作ったら、そのたびに記録してください（いま1件）" in page


def test_the_copys_example_does_not_repeat_the_kind_chosen_beside_it(world, clock, cd_r, client_as):
    """Issue 14, E.18: the example 「分析用PC ANL-PC-01」 under 複製先の種類 「分析用PC」 was typed as given and read back as
    「複製 No.1（分析用PC 分析用PC ANL-PC-01）」; the example names the PC or medium, the radio names the kind."""
    import re

    delivered(world, clock, cd_r)
    page = client_as(world.handler).get(reverse("yearend:copies", args=[world.contract.slug])).content.decode()
    example = re.search(r'<p class="help" id="id_copy-location_helptext">([^<]*)</p>', page).group(1)
    assert example.startswith("例:")
    assert [str(label) for label in CopyRecord.Place.labels if str(label) in example] == []
