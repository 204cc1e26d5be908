"""Online transfer (LGWAN instead of media): HR records a file sent to an approved designee, the recipient
acknowledges it; audited; refused on a type that does not use it and for anyone but an approved designee."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from contracts.models import Designation
from core.errors import DomainError
from handover import services
from handover.models import OnlineTransfer
from tests.factories import designate

pytestmark = pytest.mark.django_db

SHA = "ab" * 32


@pytest.fixture
def staffed(world, printing):
    designate(printing, world.manager, Designation.Kind.MANAGER, actor=world.hr)
    designate(printing, world.handler, Designation.Kind.HANDLER, actor=world.hr)
    return printing


def _send(world, contract, **overrides):
    fields = {"recipient": world.handler, "sent_at": timezone.now() - dt.timedelta(minutes=10),
              "channel": "lgwan_asp", "file_name": "atena_20250601.zip", "sha256": SHA.upper(), "size": 524288}
    fields.update(overrides)
    return services.transfer_record(contract=contract, actor=world.hr, **fields)


def test_a_transfer_is_recorded_and_acknowledged_by_its_recipient_each_audited(world, staffed):
    transfer = _send(world, staffed)
    assert (transfer.number, transfer.sha256, transfer.size) == (1, SHA, 524288)
    entry = AuditEntry.objects.get(action="handover.transfer.sent")
    assert entry.payload["sha256"] == SHA and "atena" not in str(entry.payload)  # the file's name stays out
    with pytest.raises(DomainError, match="一致することを確かめてから"):
        services.transfer_acknowledge(transfer=transfer, actor=world.handler)
    services.transfer_acknowledge(transfer=transfer, actor=world.handler, confirmed=True)
    transfer.refresh_from_db()
    assert transfer.is_acknowledged and transfer.acknowledged_by == world.handler
    assert AuditEntry.objects.filter(action="handover.transfer.acknowledged").count() == 1
    with pytest.raises(DomainError, match="すでに"):
        services.transfer_acknowledge(transfer=transfer, actor=world.handler, confirmed=True)


def test_only_the_recipient_acknowledges(world, staffed):
    from django.core.exceptions import PermissionDenied

    transfer = _send(world, staffed)
    for person in (world.manager, world.hr, world.outsider):
        with pytest.raises(PermissionDenied):
            services.transfer_acknowledge(transfer=transfer, actor=person, confirmed=True)
    assert not OnlineTransfer.objects.get(pk=transfer.pk).is_acknowledged


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"sha256": "xyz"}, "sha256", "64桁の16進数"),
    ({"size": 0}, "size", "1バイト以上"),
    ({"file_name": "  "}, "file_name", "ファイル名を入力"),
    ({"channel": "other"}, "notes", "備考に書いて"),
    ({"sent_at": timezone.now() + dt.timedelta(days=1)}, "sent_at", "これから先の日時"),
    ({"sent_at": dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)}, "sent_at", "令和7年4月1日以降"),
])
def test_a_bad_transfer_is_refused_at_its_field_and_nothing_is_written(world, staffed, overrides, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        _send(world, staffed, **overrides)
    assert refused.value.field == field
    assert not OnlineTransfer.objects.exists()


def test_the_recipient_must_be_an_approved_designee(world, staffed):
    with pytest.raises(DomainError, match="取扱責任者・取扱者") as refused:
        _send(world, staffed, recipient=world.other_manager)
    assert refused.value.field == "recipient"


def test_a_type_without_online_transfer_refuses_it(world):
    with pytest.raises(DomainError, match="LGWAN等による送信を使いません"):
        _send(world, world.contract)


def test_the_pages_record_and_acknowledge(world, staffed, client_as):
    hr = client_as(world.hr)
    url = reverse("handover:transfers", args=[staffed.slug])
    page = hr.get(url).content.decode()
    assert "送信を記録する" in page and "山田 美咲" in page
    response = hr.post(url, {"recipient": world.handler.pk, "sent_at": "2025-06-02T10:00", "channel": "lgwan_asp",
                             "file_name": "atena.zip", "sha256": "zz", "size": "100"})
    assert response.status_code == 400 and "64桁の16進数" in response.content.decode()
    response = hr.post(url, {"recipient": world.handler.pk, "sent_at": "2025-06-02T10:00", "channel": "lgwan_asp",
                             "file_name": "atena.zip", "sha256": SHA, "size": "100"})
    transfer = OnlineTransfer.objects.get()
    assert response.status_code == 302 and response.url == reverse("handover:transfer_detail",
                                                                   args=[staffed.slug, transfer.pk])
    detail_url = response.url
    assert "受け取りました（受信確認）" not in client_as(world.manager).get(detail_url).content.decode()
    handler = client_as(world.handler)
    detail = handler.get(detail_url).content.decode()
    assert "受け取りました（受信確認）" in detail and SHA in detail
    ack = reverse("handover:transfer_acknowledge", args=[staffed.slug, transfer.pk])
    assert handler.post(ack, {}).status_code == 400
    assert handler.post(ack, {"confirmed": "on"}).status_code == 302
    assert OnlineTransfer.objects.get().is_acknowledged
    # the contract's menu offers the transfers, not the media
    menu = client_as(world.hr).get(reverse("contracts:detail", args=[staffed.slug])).content.decode()
    assert url in menu


def test_the_contracts_ledger_lists_its_transfers(world, staffed, client_as):
    transfer = _send(world, staffed)
    services.transfer_acknowledge(transfer=transfer, actor=world.handler, confirmed=True)
    page = client_as(world.manager).get(reverse("handover:ledger", args=[staffed.slug])).content.decode()
    assert "送信（LGWAN等）" in page and "atena_20250601.zip（524288 バイト）" in page and "山田 美咲" in page
    seed = client_as(world.hr).get(reverse("handover:ledger", args=[world.contract.slug])).content.decode()
    assert "送信（LGWAN等）" not in seed


def test_the_recipient_finds_the_transfer_to_acknowledge_on_her_dashboard(world, staffed, client_as):
    transfer = _send(world, staffed)
    page = client_as(world.handler).get("/").content.decode()
    assert "送信 No.1（atena_20250601.zip）の受信確認をしてください" in page
    assert reverse("handover:transfer_detail", args=[staffed.slug, transfer.pk]) in page
    assert "受信確認をしてください" not in client_as(world.manager).get("/").content.decode()
    services.transfer_acknowledge(transfer=transfer, actor=world.handler, confirmed=True)
    assert "受信確認をしてください" not in client_as(world.handler).get("/").content.decode()


def test_data_sent_online_needs_an_accepted_deletion_report_before_closing(world, staffed):
    """Data that went out over LGWAN went out as surely as a disc: once its receipt is acknowledged, the contract
    asks for the contractor's deletion report (消去報告書) before it closes, and the register counts it missing."""
    from contracts.closing import closing_blockers
    from yearend.closing import deletion_report_missing
    from yearend.selectors import data_went_out

    transfer = _send(world, staffed)
    assert not data_went_out(staffed) and deletion_report_missing([staffed.pk]) == set()
    services.transfer_acknowledge(transfer=transfer, actor=world.handler, confirmed=True)
    assert data_went_out(staffed)
    assert deletion_report_missing([staffed.pk]) == {staffed.pk}
    assert any("消去報告書" in blocker.text for blocker in closing_blockers(staffed))


def test_the_deletion_report_has_a_line_for_the_data_sent_online(world, staffed, client_as):
    """The contractor's deletion report lists the received file as a line of its own; once HR accepts the report
    with it, nothing blocks closing on its account and its PDF names it."""
    import subprocess

    from contracts.closing import closing_blockers
    from tests.year_end import fill
    from yearend import deletion
    from yearend.closing import deletion_report_missing

    transfer = _send(world, staffed)
    services.transfer_acknowledge(transfer=transfer, actor=world.handler, confirmed=True)
    report = deletion.deletion_report_create(contract=staffed, actor=world.manager)
    [line] = list(report.lines.all())
    assert line.transfer == transfer and deletion.line_label(line) == "送信 No.1 atena_20250601.zip"
    with pytest.raises(DomainError):
        deletion.deletion_report_submit(report=report, actor=world.manager)  # the line is not filled in yet
    page = client_as(world.manager).get(reverse("yearend:deletion_detail",
                                                kwargs={"slug": staffed.slug, "pk": report.pk}))
    assert page.status_code == 200 and "送信 No.1 atena_20250601.zip" in page.content.decode()
    fill(line, world)
    deletion.deletion_report_submit(report=report, actor=world.manager)
    deletion.deletion_report_accept(report=report, actor=world.hr)
    assert deletion_report_missing([staffed.pk]) == set()
    assert not any("送信" in blocker.text or "消去報告書" in blocker.text for blocker in closing_blockers(staffed))
    _name, _type, pdf = deletion.deletion_report_pdf(report)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert "atena_20250601.zip" in text.decode()
