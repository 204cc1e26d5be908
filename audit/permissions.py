"""Who may read the audit trail and analyse the access log: one answer for the menu, the pages and the service.

Each ``may_*`` returns a :class:`core.answers.Answer`; a refusal is of who the person is (403 on the page).
A superuser is not an auditor by being a superuser: the roles are read through ``core.roles.holds``.
"""

from django.utils.translation import gettext as _

from core import roles
from core.answers import YES, Answer, no

from .scope import audits_any_contract

SECURITY_LOG = "audit.view_security_log"


def may_read_security_log(user) -> Answer:
    """The auditors (the 監査 group, or the permission given by name): the entries that belong to no
    contract (sign-ins, the admin's work), verifying the chain and the anchor."""
    return YES if roles.holds(user, SECURITY_LOG) else no("", "not_auditor", forbidden=True)


def may_read_log(user) -> Answer:
    """Auditors, and HR of a contract (for that contract's entries); the menu, the page and the exports ask this."""
    if may_read_security_log(user) or audits_any_contract(user):
        return YES
    return no("", "not_auditor", forbidden=True)


def may_analyse_log(user) -> Answer:
    """Analyse the access log and record it: the auditors (the 監査 group), since the analysis reads the security
    log, which belongs to no contract."""
    if not may_read_security_log(user):
        return no(_("アクセスログの分析を記録できるのは監査担当だけです。"), "not_auditor", forbidden=True)
    return YES
