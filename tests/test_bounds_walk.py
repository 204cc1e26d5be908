"""Every form the app shows, filled with extreme values one field at a time: never a 5xx, and a refused
submission changes nothing.

The forms are found, not listed: every page of the permission matrix (tests/matrix/) is opened as each
role that may open it, with the objects each row makes (a held item shows its storage form, a handover
in transit its acknowledgement form), and every <form> on it is read as a browser reads it. A new page
or a new form is walked as soon as it has a row in the matrix, and the test fails for a URL that takes
a POST but that no page showed a form for.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse

from core.errors import DomainError
from tests.factories import login_verified
from tests.matrix import ROLES, fresh
from tests.test_permission_matrix import ROWS

# Rows written on refusal by design (the audit trail, sessions, lockout counters) are not "a change".
UNWATCHED_APPS = {"audit", "sessions", "axes", "admin", "contenttypes"}
BIG = "9223372036854775808"  # one past SQLite's largest integer, far past PostgreSQL's
EXTREMES = {
    "text": ["あ" * 10_000],
    "number": [BIG, f"-{BIG}1"],
    "date": ["0001-01-01", "9999-12-31"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59"],
    "choice": [BIG],
}
# Integer fields that are years also get years inside their column but outside the window (the issue's
# other values are in tests/test_bounds_reproductions.py).
EXTREMES_BY_NAME = {"fiscal_year": ["1900", "32767"]}
TEXT_TYPES = {"text", "textarea", "search", "email", "url", "tel", "password", ""}
# Sixty fields named reason_1 … reason_48 behave alike: a few of each family are walked.
PER_FAMILY = 2


@dataclass
class Field:
    name: str
    kind: str  # a key of EXTREMES, or "" for a field only sent as the browser would
    values: list[str] = field(default_factory=list)  # what the browser sends as the page stands
    edge: str = ""  # the largest value the input itself allows (its max or maxlength), if it says


@dataclass
class Form:
    action: str
    method: str
    ident: str = ""
    fields: dict[str, Field] = field(default_factory=dict)

    def baseline(self) -> dict[str, list[str]]:
        return {name: list(f.values) for name, f in self.fields.items() if f.values}


class FormParser(HTMLParser):
    """The forms of a page as a browser submits them, including inputs placed outside a form that name it
    with ``form="…"``."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.pending: list[tuple[str, dict]] = []  # inputs naming a form by id, placed anywhere
        self.textarea: tuple[Form, str] | None = None
        self.select: tuple[Field, bool, dict] | None = None

    def _owner(self, attrs) -> Form | None:
        if attrs.get("form"):
            return next((f for f in self.forms if f.ident == attrs["form"]), None) or ("later", attrs["form"])
        return self.current

    def _field(self, form, name, kind) -> Field:
        return form.fields.setdefault(name, Field(name, kind))

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.current = Form(urljoin(self.page_url, attrs.get("action") or self.page_url),
                                (attrs.get("method") or "get").lower(), attrs.get("id", ""))
            self.forms.append(self.current)
            return
        if tag not in ("input", "textarea", "select", "option", "button"):
            return
        if tag == "option":
            if self.select is not None:
                f, multiple, state = self.select
                value = attrs.get("value", "")
                state.setdefault("first", value)
                if "selected" in attrs:
                    f.values = [*f.values, value] if multiple else [value]
                    state["chosen"] = True
            return
        owner = self._owner(attrs)
        if isinstance(owner, tuple):
            self.pending.append((tag, attrs))
            return
        if owner is not None:
            self._add(owner, tag, attrs)

    def _add(self, form: Form, tag: str, attrs: dict):
        name = attrs.get("name")
        if not name or "disabled" in attrs:
            return
        kind = attrs.get("type", "text").lower() if tag == "input" else tag
        if tag == "textarea":
            self.textarea = (form, name)
            f = self._field(form, name, "text")
            if attrs.get("maxlength", "").isdigit():
                f.edge = "あ" * int(attrs["maxlength"])
        elif tag == "select":
            self.select = (self._field(form, name, "choice"), "multiple" in attrs, {})
        elif tag == "button" or kind in ("submit", "image", "reset", "button"):
            # The first named submit button is the one the walk "clicks".
            if kind != "reset" and not any(f.kind == "button" for f in form.fields.values()):
                self._field(form, name, "button").values = [attrs.get("value", "")]
        elif kind in ("checkbox", "radio"):
            value = attrs.get("value", "on")
            boolean = kind == "checkbox" and value == "on"
            f = self._field(form, name, "" if boolean else "choice")
            if "checked" in attrs:
                f.values.append(value)
        elif kind in ("hidden", "file"):
            self._field(form, name, "").values = [attrs.get("value", "")]
        else:
            f = self._field(form, name, kind if kind in EXTREMES else ("text" if kind in TEXT_TYPES else ""))
            f.values = [attrs.get("value", "")]
            if f.kind == "number" and attrs.get("max", "").lstrip("-").isdigit():
                f.edge = attrs["max"]
            elif f.kind == "text" and kind != "email" and attrs.get("maxlength", "").isdigit():
                f.edge = "あ" * int(attrs["maxlength"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            f, multiple, state = self.select
            if not state.get("chosen") and not multiple and "first" in state:
                f.values = [state["first"]]  # a browser sends the first option when none is selected
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            form, name = self.textarea
            f = form.fields[name]
            f.values = [(f.values[0] if f.values else "") + data.removeprefix("\n")]

    def close(self):
        super().close()
        for tag, attrs in self.pending:
            form = next((f for f in self.forms if f.ident == attrs["form"]), None)
            if form is not None:
                self._add(form, tag, attrs)


def forms_of(html: str, page_url: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def view_name(url: str) -> str | None:
    try:
        return resolve(urlparse(url).path).view_name
    except Resolver404:
        return None


def snapshot() -> dict:
    """Every row the app keeps, but those written on refusal by design."""
    tables = set(connection.introspection.table_names())
    return {model._meta.label: list(model._default_manager.order_by("pk").values())
            for model in apps.get_models()
            if model._meta.app_label not in UNWATCHED_APPS and model._meta.db_table in tables}


def family(name: str) -> str:
    return re.sub(r"\d+", "#", name)


def submissions(form: Form):
    """(field name, value) for each extreme value of each walkable field, a few fields per family."""
    seen: dict[str, int] = {}
    for name, f in form.fields.items():
        if not f.kind or f.kind == "button":
            continue
        seen[family(name)] = seen.get(family(name), 0) + 1
        if seen[family(name)] > PER_FAMILY:
            continue
        for value in EXTREMES[f.kind] + (EXTREMES_BY_NAME.get(name, []) if f.kind == "number" else []):
            yield name, value


def _params(name: str) -> frozenset[str] | None:
    """The names of a URL's arguments (``{"slug", "pk"}``), from the URL conf."""
    def walk(resolver, namespace, inherited):
        for pattern in resolver.url_patterns:
            own = set(getattr(pattern.pattern, "converters", {}) or {}) | set(
                getattr(getattr(pattern.pattern, "regex", None), "groupindex", {}) or {})
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or ""
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                found = walk(pattern, full, inherited | own)
                if found is not None:
                    return found
            elif (f"{namespace}:{pattern.name}" if namespace else pattern.name) == name:
                return frozenset(inherited | own)
        return None
    return walk(get_resolver(), "", set())


# Pages (GET 200 for someone), each with the objects of every row whose URL takes the same arguments:
# the storage form shows on a held item, the acknowledgement form on a handover in transit.
PAGES = [row for row in ROWS if any(row.get[role] in (200, 302) and role != "anon" for role in ROLES) and not row.query]
PROVIDERS = list({row.kwargs: row for row in ROWS}.values())

# URLs whose POST takes no input of its own (a button, a confirmation box, or only a hidden field carried
# from the page before): nothing to fill with extreme values.
NO_FIELDS = {"accounts:logout", "contracts:member_revoke", "contracts:designation_resend_enrolment",
             "contracts:start", "checklist:plan_finalise", "checklist:side_submit", "checklist:side_lock",
             "engagement:discard", "engagement:notice_print", "engagement:swap", "yearend:deletion_line_remove",
             "environment:submit", "environment:revise", "environment:ward_start", "imports:preview"}
# Forms the walk cannot reach, and why. Keep this short: a form here is walked by nobody.
NOT_REACHED = {
    "yearend:close": "shown only once nothing is left open on the contract (a whole year's records); its one "
                       "text field is bounded by BoundedFormMixin like every other",
    "imports:index": "an administrator's page, and no role of the matrix is one; tests/imports/test_upload_extremes.py "
                     "posts its choice and file fields with extreme values",
    "checklist:template_import": "an administrator's page, and no role of the matrix is one; "
                                 "tests/checklist/test_template_import.py posts its fields with extreme values",
    "checklist:template_publish": "an administrator's page (a confirmation box only); tests/checklist/"
                                  "test_template_import.py publishes a draft and posts it without the box",
}


def _busy_contract(w):
    """Contract A with something for every form of its pages: a disc at the ward and one held by the
    handler, a person reported and waiting for the ward, the checklist plan final."""
    from tests.checklist.helpers import finalise_plan
    from tests.factories import designate, make_user
    from tests.matrix.handover import _at_contractor, _disc

    _at_contractor(w)
    _disc(w, label="M-2")
    newcomer = make_user("walk_newcomer", w.contractor, display_name="新人 花子")
    designate(w.contract, newcomer, actor=w.hr, approve=False)
    finalise_plan(w)


def _side_submitted(w):
    """The contractor's side attested and submitted: HR reviews it."""
    from checklist import services as checklist
    from tests.checklist.helpers import attest_side, finalise_plan

    finalise_plan(w)
    attest_side(w, "contractor", w.manager)
    checklist.side_submit(contract=w.contract, side="contractor", actor=w.manager)


def _closed(w):
    """Contract A closed (set directly: closing for real needs a whole year's records): HR may reopen it."""
    from contracts.models import Contract

    Contract.objects.filter(pk=w.contract.pk).update(status=Contract.Status.CLOSED)


def _printing(w):
    """Contract A made a 印刷・封入封緘 contract (data sent over LGWAN): HR's form to record a transfer."""
    from tests.matrix.handover import _printing

    _printing(w)


# Besides the world as built with each row's objects, the states that show the other forms of a
# contract's pages. A form shown only in a state none of these makes is reported by the test.
STATES = [_busy_contract, _side_submitted, _closed, _printing]
CONTRACT_PAGE_ARGUMENTS = ({"slug"}, {"slug", "side"})


def _acts(status) -> bool:
    """Whether a POST answered with ``status`` reaches the action (done, or refused by the service)."""
    return status not in (403, 404, 405) and getattr(status, "name", "") not in ("LOGIN", "REDIRECT")


# For each row's objects (its kwargs, shared by rows of one object), the roles that may act on them.
ACTING: dict = {}
for _row in ROWS:
    ACTING.setdefault(_row.kwargs, set()).update(role for role, status in _row.post.items() if _acts(status))

# The roles that post anything on a contract: the others only read (their filters are also HR's).
POSTING_ROLES = {role for row in ROWS if "slug" in (_params(row.name) or ()) for role, status in row.post.items()
                 if _acts(status)}


@pytest.mark.django_db
def test_every_form_refuses_extreme_values_without_a_5xx_and_changes_nothing(world):
    clients = {role: login_verified(Client(), world.user(role)) if world.user(role) else Client() for role in ROLES}
    walked: set[tuple] = set()
    problems: list[str] = []
    # One transaction per state and row objects, rolled back after: the world as built with the objects
    # of each row, then each state with the contract's own pages. Refused submissions change nothing, so
    # the pages of one run share its objects.
    providers = _distinct_providers(world)
    runs = [(None, provider) for provider in providers]
    runs += [(state, provider) for state in STATES for provider in providers
             if _params(provider.name) in CONTRACT_PAGE_ARGUMENTS and not _makes_objects(provider, world)]
    for state, provider in runs:
        with transaction.atomic():
            try:
                if state is not None:
                    state(fresh(world))
                _walk_pages(provider, world, clients, walked, problems, everyone=state is None)
            finally:
                transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
    # Every URL that takes a POST with input from someone was reached as a form on some page.
    posting = {row.name for row in ROWS if any(_acts(status) for status in row.post.values())}
    missing = sorted(posting - {target for target, *_ in walked} - NO_FIELDS - set(NOT_REACHED))
    assert not missing, f"no page showed a form posting to: {missing} (add the state that shows it to STATES)"


def _namespace(name: str) -> str:
    return name.partition(":")[0] if ":" in name else ""


def _pages_for(provider, world=None):
    """The pages a row's objects open: those with the same arguments, and, when the row makes objects, those
    of its app with fewer (a report's decision form sits on the contract's report page)."""
    params = _params(provider.name)
    subset = world is not None and _makes_objects(provider, world)
    return [page for page in PAGES if _params(page.name) == params
            or (subset and 0 < len(_params(page.name)) < len(params) and _params(page.name) < params
                and _namespace(page.name) == _namespace(provider.name))]


_MAKES_OBJECTS: dict = {}


def _makes_objects(provider, world) -> bool:
    """Whether a row's ``kwargs`` make objects (audited, as every service is), or only name contract A."""
    from audit.models import AuditEntry

    if provider.kwargs not in _MAKES_OBJECTS:
        with transaction.atomic():
            try:
                before = AuditEntry.objects.count()
                kwargs = provider.kwargs(fresh(world))
                _MAKES_OBJECTS[provider.kwargs] = (AuditEntry.objects.count() != before, kwargs)
            except DomainError:
                _MAKES_OBJECTS[provider.kwargs] = (True, {})
            finally:
                transaction.set_rollback(True)
    return _MAKES_OBJECTS[provider.kwargs][0]


def _distinct_providers(world):
    """The rows whose objects differ: many rows only name contract A ({"slug": …}); one of them will do."""
    seen, distinct = set(), []
    for provider in PROVIDERS:
        if not _pages_for(provider):
            continue
        makes = _makes_objects(provider, world)
        key = tuple(sorted(_MAKES_OBJECTS[provider.kwargs][1].items()))
        if makes or key not in seen:
            seen.add(key)
            distinct.append(provider)
    return distinct


def _walk_pages(provider, world, clients, walked, problems, *, everyone: bool):
    try:
        kwargs = provider.kwargs(fresh(world))
    except DomainError:  # this row's objects cannot be made in this state (e.g. its label is taken)
        return
    for page in _pages_for(provider, world):
        url = reverse(page.name, kwargs={name: kwargs[name] for name in _params(page.name)})
        if not everyone:  # a state: whoever may act on the contract, also where the page redirected before
            roles = [role for role in ROLES if page.get[role] in (200, 302) and role in POSTING_ROLES]
        elif _makes_objects(provider, world):  # a row's objects: whoever may act on them
            roles = [role for role in ROLES if page.get[role] == 200 and role in ACTING[provider.kwargs]]
        else:  # the world as built: whoever reads the page (filters included)
            roles = [role for role in ROLES if page.get[role] == 200]
        for n, role in enumerate(roles):
            response = clients[role].get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                if n == 0 and response.status_code in (200, 404):
                    break  # not this page's kind of object, or a file: no form for anyone
                continue
            for form in forms_of(response.content.decode(), url):
                target = view_name(form.action)
                key = (target, form.method, tuple(sorted({family(name) for name in form.fields})))
                if target is None or target == "accounts:logout" or key in walked:
                    continue
                walked.add(key)
                problems.extend(_walk(clients[role], form, role))


def _walk(client, form: Form, role: str) -> list[str]:
    """Submit each extreme value and compare the database before and after the whole form; when it
    changed, roll the form's submissions back and submit them again one by one to say which. Then the
    largest value each input allows: the page offers it, so the service and the database must take it
    (or refuse it in words), never answer 5xx; whatever it did is rolled back."""
    if form.method != "post":
        return _submit(client, form, role) + _submit_edges(client, form, role)
    edges = transaction.savepoint()
    problems = _submit_edges(client, form, role)
    transaction.savepoint_rollback(edges)
    before = snapshot()
    savepoint = transaction.savepoint()
    problems += _submit(client, form, role)
    if snapshot() == before:
        transaction.savepoint_commit(savepoint)
        return problems
    transaction.savepoint_rollback(savepoint)
    return problems + (_submit(client, form, role, watch=before)
                       or [f"POST {form.action} as {role}: accepted something"])


def _submit_edges(client, form: Form, role: str) -> list[str]:
    problems = []
    families: dict[str, int] = {}
    for name, f in form.fields.items():
        families[family(name)] = families.get(family(name), 0) + 1
        if not f.edge or families[family(name)] > PER_FAMILY:
            continue
        data = form.baseline()
        data[name] = [f.edge]
        # Each in its own savepoint: one accepted edge must not make the next one a duplicate.
        savepoint = transaction.savepoint()
        response = client.post(form.action, data) if form.method == "post" else client.get(form.action, data)
        transaction.savepoint_rollback(savepoint)
        if response.status_code >= 500:
            problems.append(f"{form.method.upper()} {urlparse(form.action).path} as {role} with {name} at its "
                            f"largest ({len(f.edge) if f.kind == 'text' else f.edge}): {response.status_code}")
    return problems


def _submit(client, form: Form, role: str, watch: dict | None = None) -> list[str]:
    problems = []
    for name, value in submissions(form):
        data = form.baseline()
        data[name] = [value]
        shown = value if len(value) <= 20 else f"{value[:5]}…({len(value)} characters)"
        where = f"{form.method.upper()} {urlparse(form.action).path} as {role} with {name}={shown}"
        response = client.post(form.action, data) if form.method == "post" else client.get(form.action, data)
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        if watch is not None:
            after = snapshot()
            changed = sorted(label for label in watch if watch[label] != after[label])
            if changed:
                problems.append(f"{where}: accepted, changed {changed}")
                watch = after
    return problems
