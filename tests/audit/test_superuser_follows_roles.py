"""App pages follow roles for everyone (issue 13, finding 5): a superuser who is not in the auditors' group
reads no part of the audit trail and cannot record the monthly log analysis (the checklist's evidence for
item 08, which would review its own admin work); nor does it create contracts unless it is HR. Each page
answers the superuser what the permission matrix says it answers a ward person on no contract."""

import pytest
from django.urls import reverse

from audit.analysis import Month, analysis_record
from audit.models import LogAnalysis
from contracts.roles import AUDIT_GROUP
from core.errors import DomainError
from tests.factories import make_user
from tests.matrix import audit as audit_rows
from tests.matrix import contracts as contract_rows

pytestmark = pytest.mark.django_db

ROWS = [row for row in audit_rows.ROWS if row.name.startswith("audit:")] + [
    row for row in contract_rows.ROWS if row.name == "contracts:create"]


@pytest.fixture
def superuser(world):
    user = make_user("kanri", world.ward, display_name="管理 者")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.name}{row.query}")
def test_a_superuser_gets_what_a_person_without_the_role_gets(world, client_as, superuser, row):
    client = client_as(superuser)
    url = reverse(row.name, kwargs=row.kwargs(world)) + row.query
    assert client.get(url).status_code == row.get["outsider"]
    assert client.post(url, row.data(world)).status_code == row.post["outsider"]
    assert not LogAnalysis.objects.exists()


def test_a_superuser_cannot_record_the_analysis_through_the_service(superuser):
    with pytest.raises(DomainError, match="監査担当だけ"):
        analysis_record(month=Month.current(), actor=superuser, note="自分の操作を自分で確認した")
    assert not LogAnalysis.objects.exists()


def test_the_menu_does_not_offer_the_audit_trail_to_a_superuser(world, client_as, superuser):
    page = client_as(superuser).get("/").content.decode()
    assert reverse("audit:log") not in page


def test_a_superuser_in_the_auditors_group_is_an_auditor(world, client_as, superuser):
    from django.contrib.auth.models import Group

    superuser.groups.add(Group.objects.get(name=AUDIT_GROUP))
    assert client_as(superuser).get(reverse("audit:analysis")).status_code == 200
