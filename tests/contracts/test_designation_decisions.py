"""The ward's decisions on designations refuse what they cannot honour, with a message where it happened.

Issue 7, A.7: 「approving a designation whose period already ended is accepted without a word」.
A.8: 「An over-long approval note is dropped silently (refuse it)」.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Designation
from contracts.permissions import can
from core.errors import DomainError
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _pending(world, **period):
    analyst = make_user("analyst", world.contractor, display_name="分析 次郎")
    return services.designation_report(contract=world.contract, user=analyst, kind="handler", actor=world.manager,
                                       **period)


def test_a_designation_whose_period_has_ended_cannot_be_approved(world):
    designation = _pending(world, valid_from=timezone.localdate(), valid_until=timezone.localdate())
    Designation.objects.filter(pk=designation.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="が終了しているため、承認できません") as refused:
        services.designation_approve(designation=designation, actor=world.hr)
    assert "取扱責任者から報告し直してもらってください" in refused.value.message
    designation.refresh_from_db()
    assert designation.is_pending and not can(designation.user, world.contract, "view")


def test_the_page_does_not_offer_approving_it_and_says_why(world, client_as):
    designation = _pending(world)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Designation.objects.filter(pk=designation.pk).update(valid_until=yesterday)
    client = client_as(world.hr)
    page = client.get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    row = page.split(f'id="designation-{designation.pk}"')[1].split("</tr>")[0]
    assert "承認する" not in row and "が終了しているため、承認できません。" in row and "不承認" in row
    response = client.post(reverse("contracts:designation_approve", args=[world.contract.slug, designation.pk]))
    assert response.status_code == 400
    assert "が終了しているため、承認できません" in response.content.decode()
    designation.refresh_from_db()
    assert designation.is_pending


def test_a_period_already_over_cannot_be_reported(world):
    with pytest.raises(DomainError, match="が過ぎています") as refused:
        _pending(world, valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert refused.value.field == "valid_until"


def test_an_over_long_approval_note_refuses_the_approval_and_says_so_at_the_row(world, client_as):
    designation = _pending(world)
    client = client_as(world.hr)
    response = client.post(reverse("contracts:designation_approve", args=[world.contract.slug, designation.pk]),
                           {"note": "あ" * 301})
    assert response.status_code == 400
    page = response.content.decode()
    row = page.split(f'id="designation-{designation.pk}"')[1].split("</tr>")[0]
    assert "300" in row and 'role="alert"' in row
    designation.refresh_from_db()
    assert designation.is_pending and designation.decision_note == ""
    with pytest.raises(DomainError, match="300文字以内"):
        services.designation_approve(designation=designation, actor=world.hr, note="あ" * 301)


def test_an_over_long_rejection_reason_is_refused_too(world, client_as):
    designation = _pending(world)
    client = client_as(world.hr)
    response = client.post(reverse("contracts:designation_reject", args=[world.contract.slug, designation.pk]),
                           {"note": "理由" * 200})
    assert response.status_code == 400
    designation.refresh_from_db()
    assert designation.is_pending


def test_a_replayed_approval_says_why_it_is_refused(world, client_as):
    designation = _pending(world)
    client = client_as(world.hr)
    url = reverse("contracts:designation_approve", args=[world.contract.slug, designation.pk])
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 400
    assert "この指定は「承認済み」のため、承認・不承認できません。" in response.content.decode()


def test_only_hr_decides(world):
    from django.core.exceptions import PermissionDenied

    designation = _pending(world)
    with pytest.raises(PermissionDenied):
        services.designation_approve(designation=designation, actor=world.manager)
    designation.refresh_from_db()
    assert designation.is_pending


def test_the_people_selects_name_people_without_their_usernames(world, client_as):
    """Issue 14, E.18: the selects read 「田中 誠（manager_a）」; a person is named by their name alone."""
    detail = client_as(world.hr).get(reverse("contracts:detail", args=[world.contract.slug])).content.decode()
    grant = detail.split('name="user"', 1)[1].split("</select>", 1)[0]
    assert "佐藤 花子" in grant and "（hr）" not in grant and "（auditor）" not in grant
    page = client_as(world.manager).get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    report = page.split('name="user"', 1)[1].split("</select>", 1)[0]
    assert "山田 美咲" in report and "handler_a" not in report and "manager_a" not in report
