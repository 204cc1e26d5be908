"""Two faces of one app, told apart by the host name a request came to (README, "Where it sits in the ward's
network"): the ward face serves every page; the contractor face serves only the pages a contractor's people use
(signing in with the second factor, their contracts and what they report on them) and answers 404 to everything
else, the survey's pages and the admin included, as if they did not exist.

Each server or virtual host says which face it is: ``APP_FACE`` ("ward" or "contractor", env DJANGO_APP_FACE),
and ``APP_FACE_BY_HOST`` ({host name: face}, env DJANGO_APP_FACE_BY_HOST as "host=face,host=face") for a server
that answers to both names. A host not named there gets ``APP_FACE``. The host is Django's
``request.get_host()``, so it was first checked against ALLOWED_HOSTS (anything else is refused with 400).

The contractor face is the list below, of URL names (``namespace:name``, as ``reverse`` takes them): a page is on
it by its resolved name, never by the look of its path. Static files never reach the URL resolver (WhiteNoise
serves them first) and are the same on both faces. tests/test_faces_matrix.py fails when the permission matrix
opens a page to a contractor's manager or handler that is not on this list, or lists a page no contractor opens.
"""

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

WARD = "ward"
CONTRACTOR = "contractor"
FACES = (WARD, CONTRACTOR)

# What a contractor's people use, app by app. A new page for them is added here (the faces test says so).
CONTRACTOR_PAGES = frozenset({
    # Signing in: the password, the second factor and its enrolment, the link a new person is sent; the
    # load balancer's probe.
    "accounts:login", "accounts:logout", "accounts:verify", "accounts:enrol", "accounts:password_change",
    "accounts:welcome", "accounts:welcome_link",
    "operations:healthz",
    # The person's home page and their contracts.
    "core:dashboard",
    "contracts:list", "contracts:detail", "contracts:designations", "contracts:designation_report",
    "contracts:designation_report_new_person", "contracts:subcontracting", "contracts:subcontracting_declare",
    "contracts:subcontractor", "contracts:subcontractor_new", "contracts:subcontractor_edit",
    "contracts:subcontractor_submit",
    # Evidence files attached to their records.
    "attachments:contract_records", "attachments:download", "attachments:upload",
    # The contractor's environment (its profile, certificates, reports of change).
    "environment:contract", "environment:profile", "environment:start", "environment:edit", "environment:submit",
    "environment:revise", "environment:certificate_add", "environment:report_add",
    # The checklist: the contractor's side, its records and the ward's requests for evidence.
    "checklist:overview", "checklist:history", "checklist:side", "checklist:side_attest", "checklist:side_submit",
    "checklist:export", "checklist:records", "checklist:confirmation_record", "checklist:change_record", "checklist:change_consult",
    "checklist:requests", "checklist:request_detail", "checklist:request_answer",
    # Media handed over and back: acknowledging receipt, storage, the ledger.
    "handover:handover_create", "handover:handover_detail", "handover:handover_acknowledge", "handover:items",
    "handover:item_detail", "handover:storage_record", "handover:storage_check", "handover:ledger",
    "handover:ledger_export", "handover:ledger_all", "handover:ledger_all_export",
    # Data sent online instead of on media: the recipient acknowledges the file.
    "handover:transfers", "handover:transfer_detail", "handover:transfer_acknowledge",
    # Incidents, status reports, inspections.
    "incidents:list", "incidents:report", "incidents:detail", "incidents:revise", "incidents:event_add",
    "statusreports:list", "statusreports:detail", "statusreports:submit", "statusreports:structure_list",
    "statusreports:structure_detail", "statusreports:structure_new", "statusreports:structure_submit",
    "supervision:list", "supervision:detail", "supervision:pdf", "supervision:finding", "supervision:finding_respond",
    # The year's end: the completion report, copies made and their deletion, the deletion report.
    "yearend:report", "yearend:report_file", "yearend:report_submit", "yearend:copies", "yearend:copies_export",
    "yearend:copy_create", "yearend:deletion", "yearend:deletion_create", "yearend:deletion_detail",
    "yearend:deletion_line", "yearend:deletion_line_add", "yearend:deletion_line_remove", "yearend:deletion_pdf",
    "yearend:deletion_submit",
})


def check_face(value: str, where: str) -> str:
    value = (value or "").strip().lower()
    if value not in FACES:
        raise ImproperlyConfigured(f"{where}: a face is 'ward' or 'contractor', not {value!r}.")
    return value


def faces_by_host(raw: str, where: str = "DJANGO_APP_FACE_BY_HOST") -> dict[str, str]:
    """``"itaku.example.lg.jp=ward,itaku-jigyosha.example.jp=contractor"`` → {host: face}."""
    mapping = {}
    for item in (raw or "").split(","):
        if not item.strip():
            continue
        host, sep, face = item.partition("=")
        host = host.strip().lower().rstrip(".")
        if not sep or not host or ":" in host:
            raise ImproperlyConfigured(f"{where}: write host=face pairs, the host without a port "
                                       f"(e.g. itaku.example.lg.jp=ward), not {item.strip()!r}.")
        mapping[host] = check_face(face, f"{where} ({host})")
    return mapping


def face_of(request) -> str:
    """The face of the host this request came to (after ALLOWED_HOSTS: an unknown host raises DisallowedHost)."""
    from django.conf import settings
    from django.http.request import split_domain_port

    host, _port = split_domain_port(request.get_host())
    by_host = {name.lower().rstrip("."): face for name, face in getattr(settings, "APP_FACE_BY_HOST", {}).items()}
    face = by_host.get(host.rstrip("."), getattr(settings, "APP_FACE", WARD))
    return check_face(face, "APP_FACE")


def on_contractor_face(view_name: str) -> bool:
    return view_name in CONTRACTOR_PAGES


# Who is the ward's own (contracts registers its answer in its AppConfig.ready): on the contractor face they do not
# sign in, nor does an administrator (accounts.views.login_view), so no ward account is usable from outside.
_ward_people: list = []


def register_ward_person(question) -> None:
    """``question(user) -> bool``: whether ``user`` is one of the ward's own people."""
    if question not in _ward_people:
        _ward_people.append(question)


def refuses_sign_in(request, user) -> bool:
    """On the contractor face, the ward's people and administrators are refused at sign-in (as a wrong password)."""
    if getattr(request, "app_face", WARD) != CONTRACTOR:
        return False
    return bool(user.is_staff or user.is_superuser or any(question(user) for question in _ward_people))


CHECK_ID = "core.W002"


def check_hosts_allowed(app_configs=None, **kwargs):
    """A host named in APP_FACE_BY_HOST but not in ALLOWED_HOSTS never gets its face: Django refuses it first."""
    from django.conf import settings
    from django.core.checks import Warning
    from django.http.request import validate_host

    return [Warning(f"DJANGO_APP_FACE_BY_HOST names {host!r}, which DJANGO_ALLOWED_HOSTS does not allow: requests to it "
                    "are refused (400) before any face is chosen.", hint="Add the host to DJANGO_ALLOWED_HOSTS.",
                    id=CHECK_ID)
            for host in getattr(settings, "APP_FACE_BY_HOST", {}) if not validate_host(host, settings.ALLOWED_HOSTS)]


class FaceMiddleware:
    """Sets ``request.app_face``; on the contractor face a page not on it answers 404 before anything else reads
    the request (no session, no database), with the app's usual 404 page. A path that names no page at all goes
    on as usual (WhiteNoise has already served static files; the rest ends in the same 404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import Resolver404, resolve

        request.app_face = face_of(request)
        if request.app_face == CONTRACTOR:
            # The path as asked, and as CommonMiddleware would redirect it with a slash appended (/admin → /admin/).
            for path in (request.path_info, request.path_info + "/"):
                try:
                    match = resolve(path)
                except Resolver404:
                    continue
                if not on_contractor_face(match.view_name):
                    raise Http404("not on the contractor face")
                break
        return self.get_response(request)


class WardSessionOffContractorFaceMiddleware:
    """On the contractor face, a session of the ward's people or of an administrator counts for nothing (after
    AuthenticationMiddleware), as their password there (``refuses_sign_in``): a ward session cookie taken outside
    the ward's network opens no page; the person is anonymous there, and the session stays for the ward face."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "app_face", WARD) == CONTRACTOR:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and refuses_sign_in(request, user):
                from django.contrib.auth.models import AnonymousUser

                request.user = AnonymousUser()
        return self.get_response(request)
