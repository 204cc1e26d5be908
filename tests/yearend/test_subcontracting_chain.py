"""再委託 (issue 16, item 4): only parties the ward approved receive personal data, in the services themselves; a
handover, a copy or a designation naming a subcontractor not approved is refused quoting the seed, and the ledger,
the copy register and the deletion report show the chain 委託先 → 再委託先 for a subcontractor's holder. A
subcontractor's items and copies are covered by the deletion report like the contractor's own."""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts import services as contract_services
from contracts.models import Designation, Membership, Organisation, Role
from core.errors import DomainError
from handover import permissions as handover_permissions
from handover.models import Handover
from tests.factories import designate, make_user
from tests.year_end import acknowledge, register_copy
from yearend import copies, deletion

from .conftest import deliver, register_disc, tokyo

pytestmark = pytest.mark.django_db

CHAIN = "委託先A株式会社 → 再委託先 株式会社データ入力サービス"
SEED = "立入り調査等ができる契約内容を付す"
APPLICATION = {
    "name": "株式会社データ入力サービス", "address": "東京都新宿区西新宿一丁目1番1号", "country": "日本",
    "work": "調査回答の入力", "data_items": "職員の所属・調査回答", "place": "本社 入力室",
    "manager_name": "入力 太郎", "handlers": "入力 花子", "flows_down": True,
}


def applied(world, **overrides):
    return contract_services.subcontractor_apply(contract=world.contract, actor=world.manager, submit=True,
                                                 **{**APPLICATION, **overrides})


@pytest.fixture
def sub_person(world, clock):
    """A handler of an approved subcontractor, designated and approved by the ward."""
    sub = contract_services.subcontractor_approve(subcontractor=applied(world), actor=world.hr)
    person = make_user("nyuryoku", sub.organisation, display_name="入力 花子")
    designate(world.contract, person, actor=world.hr)
    person.sub = sub
    return person


@pytest.fixture
def unapproved_person(world, clock):
    """A person of a subcontractor applied for and not approved, given a designation behind the services' back
    (as an old record or a mistake in the admin might): every service still refuses to hand them data."""
    sub = applied(world, name="未承認データ株式会社")
    org = Organisation.objects.create(name="未承認データ株式会社", kind=Organisation.Kind.SUBCONTRACTOR)
    person = make_user("mishonin", org, display_name="未承認 次郎")
    now = timezone.now()
    Designation.objects.create(contract=world.contract, user=person, kind="handler", status="approved",
                               reported_at=now, reported_by=world.hr, decided_at=now, decided_by=world.hr)
    Membership.objects.create(contract=world.contract, user=person, role=Role.CONTRACTOR_HANDLER, granted_at=now)
    person.sub = sub
    return person


def test_a_handover_to_a_person_of_an_unapproved_subcontractor_is_refused(world, unapproved_person, cd_r):
    disc = register_disc(world, cd_r)
    with pytest.raises(DomainError) as refused:
        deliver(world, [disc], recipient=unapproved_person)
    message = refused.value.message
    assert "区が承認していない再委託先（未承認データ株式会社）には個人情報を渡せません" in message
    assert "運用上の対策3" in message and SEED in message and refused.value.field == "recipient"
    assert not Handover.objects.exists()
    # The form's list offers only what the service accepts.
    assert unapproved_person not in handover_permissions.recipients(world.contract, "delivery")


def test_a_handover_to_a_person_of_an_approved_subcontractor_is_accepted(world, sub_person, cd_r):
    disc = register_disc(world, cd_r)
    assert sub_person in handover_permissions.recipients(world.contract, "delivery")
    acknowledge(deliver(world, [disc], recipient=sub_person), sub_person)
    disc.refresh_from_db()
    assert disc.holder == sub_person and disc.is_at_contractor


def test_an_acknowledgement_is_refused_once_the_recipients_party_is_not_approved(world, sub_person, cd_r):
    disc = register_disc(world, cd_r)
    handover = deliver(world, [disc], recipient=sub_person)
    other = Organisation.objects.create(name="別の再委託先株式会社", kind=Organisation.Kind.SUBCONTRACTOR)
    sub_person.profile.organisation = other
    sub_person.profile.save()
    with pytest.raises(DomainError, match="区が承認していない再委託先（別の再委託先株式会社）"):
        acknowledge(handover, sub_person)


def test_a_copy_naming_or_made_by_an_unapproved_subcontractor_is_refused(world, sub_person, unapproved_person,
                                                                         cd_r, clock):
    disc = register_disc(world, cd_r)
    acknowledge(deliver(world, [disc], recipient=world.handler), world.handler)
    clock.advance(hours=1)
    with pytest.raises(DomainError, match="区が承認していない再委託先（未承認データ株式会社）") as refused:
        register_copy(world, disc, subcontractor=unapproved_person.sub)
    assert refused.value.field == "subcontractor" and SEED in refused.value.message
    with pytest.raises(DomainError, match="区が承認していない再委託先（未承認データ株式会社）") as refused:
        register_copy(world, disc, by=unapproved_person)
    assert refused.value.field == "made_by"
    # Named as the holder, or made by one of its people: an approved subcontractor holds the copy.
    named = register_copy(world, disc, subcontractor=sub_person.sub)
    made = register_copy(world, disc, by=sub_person, location="NYU-PC-01")
    assert named.subcontractor == sub_person.sub and made.subcontractor == sub_person.sub
    assert list(copies.copy_holders(world.contract)) == [sub_person.sub]
    assert unapproved_person not in copies.copy_makers(world.contract)


def test_the_copy_form_offers_only_approved_subcontractors(world, sub_person, unapproved_person, client_as, cd_r,
                                                           clock):
    disc = register_disc(world, cd_r)
    acknowledge(deliver(world, [disc], recipient=world.handler), world.handler)
    page = client_as(world.manager).get(reverse("yearend:copies", args=[world.contract.slug])).content.decode()
    form = page.split('id="new-copy-h"')[1]
    assert "株式会社データ入力サービス" in form and "未承認データ株式会社" not in form and "未承認 次郎" not in form


def test_the_ledger_the_copy_register_and_the_deletion_report_show_the_chain(world, sub_person, client_as, cd_r,
                                                                            clock):
    clock.set(tokyo(2025, 6, 10, 10, 0))
    disc = register_disc(world, cd_r, label="CD-SUB-001")
    acknowledge(deliver(world, [disc], recipient=sub_person), sub_person)
    clock.advance(hours=1)
    copy = register_copy(world, disc, by=sub_person, location="NYU-PC-01")
    own = register_copy(world, disc, by=world.handler, location="ANL-PC-01")
    client = client_as(world.hr)

    ledger = client.get(reverse("handover:ledger", args=[world.contract.slug])).content.decode()
    assert CHAIN in ledger
    xlsx = client.get(reverse("handover:ledger_export", args=[world.contract.slug, "xlsx"]))
    cells = [str(c.value) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row if c.value]
    assert any("入力 花子" in c and CHAIN in c for c in cells)
    pdf = client.get(reverse("handover:ledger_export", args=[world.contract.slug, "pdf"]))
    assert CHAIN.replace(" ", "") in _text(pdf.content)

    register = client.get(reverse("yearend:copies", args=[world.contract.slug])).content.decode()
    rows = register.split("<tbody>")[1].split("</tbody>")[0]
    assert CHAIN in rows and rows.count(CHAIN) == 1  # the contractor's own copy is held by the contractor
    assert copies.copy_holder(own) == "委託先A株式会社" and copies.copy_holder(copy) == CHAIN
    exported = client.get(reverse("yearend:copies_export", args=[world.contract.slug]))
    sheet = load_workbook(io.BytesIO(exported.content)).active
    holders = {row[0].value: row[4].value for row in sheet.iter_rows(min_row=6) if row[0].value}
    assert holders == {copy.number: CHAIN, own.number: "委託先A株式会社"}

    clock.advance(days=200)
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    labels = [deletion.line_label(line) for line in deletion.lines_of(report)]
    # The subcontractor's disc and copy are the contract's: the report covers them, with the chain.
    assert f"複製 No.{copy.number}（分析用PC NYU-PC-01）（保管: {CHAIN}）" in labels
    assert f"複製 No.{own.number}（分析用PC ANL-PC-01）" in labels
    assert any("CD-SUB-001" in label and CHAIN in label for label in labels)
    page = client_as(world.manager).get(reverse("yearend:deletion_detail", args=[world.contract.slug, report.pk]))
    page = page.content.decode()
    assert CHAIN in page
    _name, _type, content = deletion.deletion_report_pdf(report)
    assert CHAIN.replace(" ", "") in _text(content)


def _text(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return re.sub(r"\s+", "", done.stdout.decode())


def test_the_handover_form_names_a_subcontractors_person_with_the_party(world, sub_person, unapproved_person,
                                                                        client_as, cd_r):
    register_disc(world, cd_r)
    page = client_as(world.hr).get(reverse("handover:handover_create", args=[world.contract.slug])).content.decode()
    assert "入力 花子（再委託先 株式会社データ入力サービス）" in page and "未承認 次郎" not in page
