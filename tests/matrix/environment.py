"""Environment profiles. Contract A's contractor files its profile through the services for each case.

The contractor's handling manager fills in, submits and records certificates and reports; HR of a contract the
firm works on accepts or sends back; the handler and the auditor read; another contractor's manager and a ward
person on no contract find nothing. The ward's own profile: the IT section (``environment.keep_ward_profile``,
given to the outsider in these rows) keeps it, ward staff on a contract read it, contractors find nothing."""

from tests.environment.helpers import accepted, answers, filled, ward_keeper
from tests.matrix import DONE, Row, audited, post_only, statuses


def a(w):
    return {"slug": w.contract.slug}


def draft(w):
    return {"pk": filled(w).pk}


def submitted(w):
    from environment import services

    profile = filled(w)
    services.profile_submit(profile=profile, actor=w.manager)
    return {"pk": profile.pk}


def accepted_profile(w):
    return {"pk": accepted(w).pk}


def with_keeper(w):
    ward_keeper(w.outsider)
    return {}


HIDDEN = {"outsider": 404, "other": 404}
READERS = statuses(200, **HIDDEN)
MANAGER_ONLY = statuses(403, manager=DONE, **HIDDEN)
MANAGER_PAGE = statuses(403, manager=200, **HIDDEN)
CONTRACTORS = {"manager": 404, "handler": 404, "other": 404}

ROWS = [
    Row("environment:contract", kwargs=a, get=READERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("environment:start", kwargs=a, get=post_only(**HIDDEN), post=MANAGER_ONLY,
        data=lambda w: {"organisation": w.contractor.pk}, contract_object=True,
        happened=audited("environment.profile.started")),
    Row("environment:ward", get=statuses(200, outsider=404, **CONTRACTORS),
        post=statuses(405, outsider=404, **CONTRACTORS)),
    # Only the outsider is made the ward's keeper here; the other section's clerk is not one (404, as on the page).
    Row("environment:ward_start", kwargs=with_keeper, get=statuses(405, section_other=404, **CONTRACTORS),
        post=statuses(403, outsider=DONE, section_other=404, **CONTRACTORS),
        happened=audited("environment.profile.started")),
    Row("environment:profile", kwargs=draft, get=READERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("environment:edit", kwargs=draft, get=MANAGER_PAGE, post=MANAGER_ONLY, data=lambda w: answers(),
        contract_object=True, happened=audited("environment.profile.saved")),
    Row("environment:submit", kwargs=draft, get=post_only(**HIDDEN), post=MANAGER_ONLY, contract_object=True,
        happened=audited("environment.profile.submitted")),
    Row("environment:decide", kwargs=submitted, get=post_only(**HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"decision": "accept"}, contract_object=True, happened=audited("environment.profile.accepted")),
    Row("environment:revise", kwargs=accepted_profile, get=post_only(**HIDDEN), post=MANAGER_ONLY,
        contract_object=True, happened=audited("environment.profile.reopened")),
    Row("environment:certificate_add", kwargs=draft, get=MANAGER_PAGE, post=MANAGER_ONLY,
        data=lambda w: {"kind": "isms", "number": "IS 1", "issuer": "認証機構", "valid_from": "2024-04-01",
                        "valid_until": "2027-03-31"}, contract_object=True,
        happened=audited("environment.certificate.added")),
    Row("environment:report_add", kwargs=draft, get=MANAGER_PAGE, post=MANAGER_ONLY,
        data=lambda w: {"kind": "backup_check", "period_from": "2026-01-01", "period_until": "2026-01-31",
                        "done_on": "2026-02-01", "text": "取得を確認"}, contract_object=True,
        happened=audited("environment.report.recorded")),
]
