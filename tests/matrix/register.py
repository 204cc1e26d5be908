"""The register (委託一覧), its export and a contractor's page: for whoever reads contracts for audit (the
auditor, HR of the contracts; the privacy office in its scope). Nobody else is offered the register (403); a
contractor's page does not exist for someone who audits none of its contracts, the contractor's own people
included (404)."""

from tests.matrix import Row, statuses

READERS = statuses(403, hr=200, auditor=200)
NOT_POSTED = statuses(405)


def contractor_a(w):
    return {"pk": w.contractor.pk}


ROWS = [
    Row("register:list", get=READERS, post=NOT_POSTED),
    Row("register:export", get=READERS, post=NOT_POSTED),
    Row("register:contractor", kwargs=contractor_a, get=statuses(404, hr=200, auditor=200), post=NOT_POSTED),
]
