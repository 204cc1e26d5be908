"""ward.system.06 (accounts.evidence) counts everyone who reaches the contract: its members, and the ward's people
holding a role on its section, its department or the whole ward (ScopeGrant), not those of another section nor a
grant revoked."""

import pytest

from accounts.evidence import second_factor_evidence
from contracts.models import Role
from contracts.services import scope_grant, scope_revoke
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_scoped_person_without_a_second_factor_is_counted(world):
    assert second_factor_evidence(world.contract).met is True
    elsewhere = make_user("zeimu2", world.other_section, totp=False)
    scope_grant(user=elsewhere, role=Role.HR, unit=world.other_section, actor=world.hr)
    gone = make_user("gone", world.ward, totp=False)
    scope_revoke(grant=scope_grant(user=gone, role=Role.PRIVACY, unit=None, actor=world.hr), actor=world.hr)
    assert second_factor_evidence(world.contract).met is True

    ward_wide = make_user("kato", world.ward, totp=False)
    scope_grant(user=ward_wide, role=Role.PRIVACY, unit=None, actor=world.hr)
    evidence = second_factor_evidence(world.contract)
    assert evidence.met is False
    assert "登録していない 1名" in evidence.summary
    total = len({world.hr, world.auditor, world.manager, world.handler, world.privacy, ward_wide})
    assert f"利用者 {total}名" in evidence.summary
