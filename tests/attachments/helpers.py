"""A registered target for the tests: contracts.Contract, which no app registers for files.

Whoever sees the contract sees its files; HR and the contractor's manager attach; the handler and the
auditor (who see the contract) may not (403); anyone else finds nothing (404).
"""

from attachments import registry
from contracts.models import Contract
from contracts.permissions import can
from core.answers import YES, no


def register_contract(world):
    attachers = {world.hr.pk, world.manager.pk}

    def may_view(user, contract):
        return YES if can(user, contract, "view") else no("この契約は見られません。", forbidden=True)

    def may_attach(user, contract):
        if not can(user, contract, "view") or user.pk not in attachers:
            return no("この契約には資料を添付できません。", forbidden=True)
        return YES

    return registry.register(Contract, may_view=may_view, may_attach=may_attach, contract_of=lambda c: c,
                             organisation_of=lambda c: c.contractor)
