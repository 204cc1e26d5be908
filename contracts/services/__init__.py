"""Every write on contracts, memberships and designations, by sub-domain: the contract itself
(:mod:`.contracts`), its steps (:mod:`.steps`), the ward's people on it (:mod:`.memberships`), the
contractor's people (:mod:`.designations`) and its subcontractors (:mod:`.subcontracting`). Callers say
``from contracts import services`` and ``services.contract_create(...)``: the public functions are named here.

Per-contract django-guardian permissions are granted and taken away here and nowhere else: a
person's permissions on a contract are always the union of the roles of their active memberships.
Who may do what is answered by the ``may_*`` functions of ``contracts.permissions`` (or, for the contract's
own roles, ``can``), which the pages and views ask too.
"""

from .contracts import (
    CONTRACT_FIELDS,
    contract_copy_to_next_year,
    contract_create,
    contract_start,
    contract_update,
    early_start_warning,
    months_before_start,
    new_slug,
)
from .designations import (
    designation_approve,
    designation_reject,
    designation_report,
    designation_report_new_person,
    designation_resend_enrolment,
    designation_revoke,
)
from .memberships import membership_grant, membership_revoke
from .organisation import unit_save
from .scopes import scope_grant, scope_revoke, scopes_replace
from .steps import contract_step_complete, contract_step_reopen
from .subcontracting import (
    APPLICATION_FIELDS,
    other_contractors,
    subcontracting_declare,
    subcontractor_apply,
    subcontractor_approve,
    subcontractor_refuse,
    subcontractor_send_back,
    subcontractor_submit,
    subcontractor_update,
)

__all__ = [
    "APPLICATION_FIELDS",
    "CONTRACT_FIELDS",
    "contract_copy_to_next_year",
    "contract_create",
    "contract_start",
    "contract_step_complete",
    "contract_step_reopen",
    "contract_update",
    "designation_approve",
    "designation_reject",
    "designation_report",
    "designation_report_new_person",
    "designation_resend_enrolment",
    "designation_revoke",
    "early_start_warning",
    "membership_grant",
    "membership_revoke",
    "months_before_start",
    "new_slug",
    "other_contractors",
    "scope_grant",
    "scope_revoke",
    "scopes_replace",
    "subcontracting_declare",
    "subcontractor_apply",
    "subcontractor_approve",
    "subcontractor_refuse",
    "subcontractor_send_back",
    "subcontractor_submit",
    "subcontractor_update",
    "unit_save",
]
