from tests.matrix import Row, post_only, statuses


def a(w):
    return {"slug": w.contract.slug}


def designation_of(kind):
    def kwargs(w):
        d = w.contract.designations.get(user__username=kind)
        return {"slug": w.contract.slug, "pk": d.pk}
    return kwargs


def auditor_membership(w):
    m = w.contract.memberships.get(user=w.auditor, revoked_at__isnull=True)
    return {"slug": w.contract.slug, "pk": m.pk}


# Roles that cannot see contract A at all get 404: the outsider and the other contractor.
HIDDEN = {"outsider": 404, "other": 404}

ROWS = [
    Row("contracts:list", get=statuses(200), post=statuses(405)),
    Row("contracts:create", get=statuses(403, hr=200), post=statuses(403, hr=200)),
    Row("contracts:detail", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("contracts:edit", kwargs=a, get=statuses(403, hr=200, **HIDDEN), post=statuses(403, hr=200, **HIDDEN),
        contract_object=True),
    Row("contracts:copy", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, hr=302, **HIDDEN),
        contract_object=True),
    # Contract A is already in force: HR's start is refused with a message and a redirect.
    Row("contracts:start", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, hr=302, **HIDDEN),
        contract_object=True),
    Row("contracts:step", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, hr=302, **HIDDEN),
        data=lambda w: {"step": 1, "done": "on"}, contract_object=True),
    Row("contracts:member_grant", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, hr=302, **HIDDEN),
        data=lambda w: {"user": w.outsider.pk, "role": "auditor"}, contract_object=True),
    Row("contracts:member_revoke", kwargs=auditor_membership, get=post_only(**HIDDEN),
        post=statuses(403, hr=302, **HIDDEN), contract_object=True),
    Row("contracts:designations", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    # The manager reports (302); HR may enter a paper report; the handler and auditor may not.
    Row("contracts:designation_report", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, hr=400, manager=400, **HIDDEN), contract_object=True),
    Row("contracts:designation_approve", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=302, **HIDDEN), contract_object=True),
    Row("contracts:designation_reject", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=302, **HIDDEN), contract_object=True),
    Row("contracts:designation_revoke", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=302, **HIDDEN), contract_object=True),
]
