"""Survey export pages: HR of the contract only. The contractor's people and the auditor see the contract
but get nothing of the survey's data (403); the other contractor and outsiders get 404. Uploads and
packages are made through the services on contract A for each case."""

from engagement.models import SurveyUpload
from tests.engagement import web
from tests.matrix import DONE, REFUSED, Row, audited, statuses

HIDDEN = {"outsider": 404, "other": 404}
HR_ONLY = statuses(403, hr=200, **HIDDEN)


def a(w):
    return {"slug": w.contract.slug}


def uploaded(w):
    return {"slug": w.contract.slug, "pk": web.uploaded(w).pk}


def swapped(w):
    """An upload whose survey and master were given in each other's slot: the only one the swap accepts."""
    return {"slug": w.contract.slug, "pk": web.uploaded(w, survey=web.master_bytes(), master=web.survey_bytes()).pk}


def ready(w):
    return {"slug": w.contract.slug, "pk": web.ready(w).pk}


def package(w):
    return {"slug": w.contract.slug, "pk": web.built(w).package.pk}


def _discarded(case):
    return case.audited("engagement.upload.purged") and SurveyUpload.objects.filter(
        pk=case.kwargs["pk"], purge_reason="discarded").exists()


ROWS = [
    Row("engagement:index", kwargs=a, get=HR_ONLY, post=statuses(405, **HIDDEN), contract_object=True),
    # An empty upload form answers 400 and keeps nothing.
    Row("engagement:upload", kwargs=a, get=HR_ONLY, post=statuses(403, hr=400, **HIDDEN), contract_object=True,
        happened=audited("engagement.upload.received")),
    # An empty mapping form answers 400; nothing is validated.
    Row("engagement:mapping", kwargs=uploaded, get=HR_ONLY, post=statuses(403, hr=400, **HIDDEN),
        contract_object=True, happened=audited("engagement.upload.validated")),
    Row("engagement:risk", kwargs=ready, get=HR_ONLY, post=statuses(403, hr=400, **HIDDEN), contract_object=True,
        happened=audited("engagement.risk.planned")),
    # Nothing ticked: every finding left as it is, which is a choice HR may make.
    Row("engagement:review", kwargs=ready, get=HR_ONLY, post=statuses(403, hr=DONE, **HIDDEN), contract_object=True,
        happened=audited("engagement.free_text.reviewed")),
    Row("engagement:build", kwargs=ready, get=HR_ONLY, post=statuses(403, hr=400, **HIDDEN), contract_object=True,
        happened=audited("engagement.package.built")),
    Row("engagement:discard", kwargs=uploaded, get=statuses(405, **HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        contract_object=True, happened=_discarded),
    # Swapping needs files that look swapped (the master in the survey's slot); done, the files change slots.
    Row("engagement:swap", kwargs=swapped, get=statuses(405, **HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        contract_object=True, happened=audited("engagement.upload.swapped")),
    Row("engagement:package", kwargs=package, get=HR_ONLY, post=statuses(405, **HIDDEN), contract_object=True),
    # The encrypted file goes to HR only (each download audited); never to the contractor through the app.
    Row("engagement:package_download", kwargs=package, get=HR_ONLY, post=statuses(405, **HIDDEN),
        contract_object=True),
    # Printing needs the password the build page holds; without it, refused with a message.
    Row("engagement:notice_print", kwargs=package, get=statuses(405, **HIDDEN),
        post=statuses(403, hr=REFUSED, **HIDDEN), contract_object=True, happened=audited("engagement.notice.printed")),
]
