"""A role on a part of the ward's organisation (ScopeGrant) is the ward's people's only, as a membership of HR or
an auditor is (membership_grant): a contractor's person given 個人情報保護担当 on the whole ward would read every
contract of the ward. The service refuses, so the admin and the directory cannot give it either."""

import pytest

from contracts.models import Role, ScopeGrant
from contracts.permissions import contracts_where
from contracts.services import scope_grant
from core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, unit", [(Role.PRIVACY, None), (Role.AUDITOR, "department"), (Role.HR, "section")])
def test_a_contractors_person_is_given_no_scoped_role(world, role, unit):
    unit = {None: None, "department": world.other_section.parent, "section": world.other_section}[unit]
    with pytest.raises(DomainError) as refused:
        scope_grant(user=world.manager, role=role, unit=unit, actor=world.hr)
    assert refused.value.field == "user"
    assert not ScopeGrant.objects.filter(user=world.manager).exists()
    assert set(contracts_where(world.manager, "view")) == {world.contract}


def test_the_wards_people_still_are(world):
    scope_grant(user=world.outsider, role=Role.PRIVACY, unit=None, actor=world.hr)
    assert set(contracts_where(world.outsider, "audit")) == {world.contract, world.other_contract}


def test_the_admin_says_so_at_the_person(world, client):
    from django.urls import reverse

    from tests.factories import login_verified, make_user

    admin = make_user("kanri_scope", world.ward)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    login_verified(client, admin)
    response = client.post(reverse("admin:contracts_scopegrant_add"),
                           {"user": world.manager.pk, "role": Role.PRIVACY, "unit": ""})
    assert response.status_code == 200
    assert "区の職員のみ登録できます。" in response.content.decode()
    assert not ScopeGrant.objects.filter(user=world.manager).exists()
