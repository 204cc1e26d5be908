"""The overdue storage checks' reminders go to the contract's 担当課, whether a person holds that role on the contract
(a membership) or on its section (a ScopeGrant): a clerk of the section with no membership is reminded too; a
clerk of another section, or one whose grant was revoked, is not."""

from contracts.models import Role
from contracts.services import scope_grant, scope_revoke
from handover import notifications, services
from tests.factories import make_user

from .conftest import acknowledge, deliver


def test_a_sections_clerk_on_a_scope_is_reminded_of_its_overdue_storage_checks(world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    services.storage_record(item=disc, actor=world.handler, place="safe", location="金庫", locked=True)
    colleague = make_user("kato", world.ward, display_name="加藤 次郎")
    scope_grant(user=colleague, role=Role.HR, unit=world.ward, actor=world.hr)
    gone = make_user("mori", world.ward, display_name="森 三郎")
    scope_revoke(grant=scope_grant(user=gone, role=Role.HR, unit=world.ward, actor=world.hr), actor=world.hr)
    assert not world.contract.memberships.filter(user=colleague).exists()

    clock.advance(days=31)
    reminders = notifications.collect_reminders()
    reminded = {reminder.user.username: [item.label for item in reminder.items] for reminder in reminders.values()}
    assert reminded["kato"] == ["CD-001"]   # 担当課 on the section, no membership
    assert reminded["hr"] == ["CD-001"]     # 担当課 through the contract's membership, as before
    assert "mori" not in reminded           # the grant was revoked
    assert world.section_other.username not in reminded  # 税務課's clerk: not his section
