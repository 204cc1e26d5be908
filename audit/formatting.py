"""How an audit entry reads to a person: the action in words, people by their names, objects as what
they are, payloads as sentences. The log page, its XLSX and the downloads view all come here, so an
auditor reads the same words everywhere and never a program code (``checklist.item.accepted``, a
username, a dotted checklist key).

Each app describes the entries it writes in ``<app>/audit_actions.py``:

- ``LABELS``: ``{action: gettext_lazy("日本語ラベル")}`` for every action the app writes (a test fails
  for an action written in code or found in the demo without one);
- ``GROUPS``: ``{action prefix: word}``, so that searching the log for that word (「受渡し」) finds
  every action under the prefix;
- ``PERSONAL_DATA_DOWNLOADS``: the actions that hand someone a file with personal data; the
  auditors' downloads view lists exactly these;
- ``FIELDS``: ``{payload key: label}`` or ``{payload key: (label, formatter)}``, how a payload value
  reads when an action has no sentence of its own; ``formatter(value, context) -> str``;
- ``DETAILS``: ``{action: function(payload, context) -> str}``, a sentence where fields read worse;
- ``OBJECTS``: ``{"app_label.model": function(ids) -> {id: text}}``, how the app's objects are named;
- ``MODEL_NAMES``: ``{"app_label.model": label}`` for models whose own name is not in Japanese;
- ``more_labels()``, ``more_details()``: labels and sentences that depend on the installed models (the
  admin's add/change/delete of any model).
"""

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from core.dates import fiscal_year_label, wareki, wareki_datetime

from .scope import contract_with_slug

# Longest payload text shown in a sentence; the database keeps the whole of it.
TEXT_LIMIT = 80


@dataclass
class Registry:
    labels: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    downloads: set = field(default_factory=set)
    fields: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    model_names: dict = field(default_factory=dict)


def _merge(target: dict, more: dict, what: str, module: str) -> None:
    clash = set(target) & set(more)
    if clash:
        raise ImproperlyConfigured(f"{module} declares {what} another app declares too: {sorted(clash)}")
    target.update(more)


@functools.cache
def registry() -> Registry:
    """Everything the installed apps' ``audit_actions`` modules declare (read once, after start-up)."""
    found = Registry()
    for config in apps.get_app_configs():
        name = f"{config.name}.audit_actions"
        try:
            module = import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        labels = dict(getattr(module, "LABELS", {}))
        if hasattr(module, "more_labels"):
            labels.update(module.more_labels())
        _merge(found.labels, labels, "labels", name)
        _merge(found.groups, getattr(module, "GROUPS", {}), "groups", name)
        details = dict(getattr(module, "DETAILS", {}))
        if hasattr(module, "more_details"):
            details.update(module.more_details())
        _merge(found.details, details, "sentences", name)
        _merge(found.objects, getattr(module, "OBJECTS", {}), "object names", name)
        # The same payload key (note, reason, format) means the same thing in every app.
        for key, spec in getattr(module, "FIELDS", {}).items():
            found.fields.setdefault(key, spec)
        found.downloads |= set(getattr(module, "PERSONAL_DATA_DOWNLOADS", ()))
        found.model_names.update(getattr(module, "MODEL_NAMES", {}))
    return found


def action_label(action: str) -> str:
    label = registry().labels.get(action)
    # An entry written before its label existed still reads as words, never as its code.
    return str(label) if label is not None else _("その他の操作")


def action_words() -> list[str]:
    """The words the log's action filter suggests: one per group of actions (受渡し, チェックリスト …)."""
    return sorted({str(word) for word in registry().groups.values()})


def personal_data_downloads() -> frozenset[str]:
    return frozenset(registry().downloads)


def actions_matching(words: str) -> set[str]:
    """The actions whose label, or whose group's word, contains ``words`` (「受渡し」, 「出力」)."""
    words = _squeeze(words).casefold()
    reg = registry()
    matching = set()
    for action, label in reg.labels.items():
        texts = [str(label)] + [str(word) for prefix, word in reg.groups.items() if action.startswith(prefix)]
        if any(words in _squeeze(text).casefold() for text in texts):
            matching.add(action)
    return matching


def _squeeze(text: str) -> str:
    # 「佐藤花子」 finds 「佐藤 花子」: people type names with or without the space, half or full width.
    return "".join(str(text).split())


def people_matching(words: str):
    """The users whose display name contains ``words`` (spaces ignored)."""
    squeezed = _squeeze(words)
    name = Replace(Replace("profile__display_name", Value(" "), Value("")), Value("\u3000"), Value(""))
    return get_user_model().objects.alias(squeezed_name=name).filter(squeezed_name__icontains=squeezed)


def person_filter(words: str) -> Q:
    """Entries made by these people, including failed logins typed with their username."""
    users = list(people_matching(words).values_list("pk", "username"))
    return Q(actor__in=[pk for pk, _username in users]) | Q(
        actor__isnull=True, actor_label__in=[username for _pk, username in users])


# --- small pieces the apps' sentences are made of ------------------------------------------------


def person_name(user) -> str:
    """How a person is named on the page: their display name; never their username."""
    if user is None:
        return ""
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        profile = None
    if profile is not None and profile.display_name:
        return profile.display_name
    if user.is_superuser:
        return _("システム管理者")
    return _("氏名未登録の利用者（No.%(pk)s）") % {"pk": user.pk}


def contract_name(contract) -> str:
    """件名（令和8年度）: the title repeats every year."""
    return contract.display_name if contract is not None else ""


def fiscal_year_text(year: int) -> str:
    try:
        return fiscal_year_label(year)
    except (ValueError, OverflowError):
        return _("%(year)s年度") % {"year": year}


def text(value, limit: int = TEXT_LIMIT) -> str:
    value = " ".join(str(value or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def quoted(value, limit: int = TEXT_LIMIT) -> str:
    return f"「{text(value, limit)}」" if value not in (None, "") else ""


def count(value, unit: str | None = None) -> str:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return _("%(n)s%(unit)s") % {"n": f"{number:,}", "unit": unit if unit is not None else _("件")}


FORMATS = {"pdf": "PDF", "xlsx": "Excel（XLSX）", "csv": "CSV", "zip": "ZIP"}


def format_name(value) -> str:
    return FORMATS.get(str(value).lower(), str(value).upper()) if value else ""


def choice(choices) -> Callable:
    """A formatter that shows a stored choice (``delivery``) as its label (区→委託先（提供））."""
    labels = dict(choices.choices) if hasattr(choices, "choices") else dict(choices)

    def _format(value, context=None) -> str:
        return str(labels.get(value, value)) if value not in (None, "") else ""

    return _format


def date_text(value, context=None) -> str:
    """An ISO date or date-time kept in a payload, as 令和 reads it."""
    if not value:
        return ""
    try:
        if "T" in str(value):
            return wareki_datetime(dt.datetime.fromisoformat(str(value)))
        return wareki(dt.date.fromisoformat(str(value)))
    except (ValueError, OverflowError):
        return text(value)


def yes_no(value, context=None) -> str:
    return _("はい") if value in (True, "True", "true", 1) else _("いいえ")


def person(value, context) -> str:
    """Formatter for a payload value that holds a username."""
    return context.person(value)


def listing(values, limit: int = 5) -> str:
    values = [str(v) for v in (values or []) if v not in (None, "")]
    shown = "、".join(values[:limit])
    if len(values) > limit:
        shown += _(" ほか%(n)s件") % {"n": len(values) - limit}
    return shown


def fields_text(payload: dict, context, *, skip: Iterable[str] = ()) -> str:
    """「名前: 値」 for each payload key an app has named; keys nobody named are left out."""
    parts = []
    specs = registry().fields
    for key, value in (payload or {}).items():
        if key in skip or key not in specs or value in (None, "", [], {}):
            continue
        spec = specs[key]
        label, formatter = spec if isinstance(spec, tuple) else (spec, None)
        shown = formatter(value, context) if formatter else _plain(value)
        if shown:
            parts.append(_("%(label)s: %(value)s") % {"label": label, "value": shown})
    return "、".join(parts)


def _plain(value) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return listing(value)
    if isinstance(value, dict):
        return ""
    return text(value)


# --- one entry as a person reads it ----------------------------------------------------------------


class Context:
    """What the sentences of a batch of entries need from the database, fetched once per batch."""

    def __init__(self, entries: list):
        self._people: dict[str, str] = {}
        self._contracts: dict[str, str] = {}
        self.objects: dict[tuple[str, str], str] = {}
        specs = registry().fields
        usernames = {e.actor_label for e in entries if e.actor_id is None and e.actor_label}
        for entry in entries:
            for key, value in (entry.payload if isinstance(entry.payload, dict) else {}).items():
                spec = specs.get(key)
                if isinstance(spec, tuple) and spec[1] is person and isinstance(value, str):
                    usernames.add(value)
        self._load_people(usernames)
        self._load_objects(entries)

    def _load_people(self, usernames) -> None:
        if not usernames:
            return
        users = get_user_model().objects.filter(username__in=usernames).select_related("profile")
        self._people.update({u.username: person_name(u) for u in users})

    def _load_objects(self, entries) -> None:
        wanted: dict[str, set[str]] = {}
        for entry in entries:
            if entry.object_type and entry.object_id:
                wanted.setdefault(entry.object_type, set()).add(entry.object_id)
        describers = registry().objects
        for object_type, ids in wanted.items():
            if object_type in describers:
                for pk, shown in describers[object_type](sorted(ids)).items():
                    self.objects[(object_type, str(pk))] = shown

    def person(self, username) -> str:
        """A username kept in a payload, as the person's display name."""
        if not username:
            return ""
        if username not in self._people:
            self._load_people({username})
        return self._people.get(username) or _("登録のない利用者名")

    def contract(self, slug) -> str:
        """A contract kept in a payload by its slug, named with its fiscal year. Some payloads kept the
        contract's name instead of its slug: that name is shown as it was kept."""
        if not slug:
            return ""
        if slug not in self._contracts:
            found = contract_with_slug(str(slug)[:80])
            self._contracts[slug] = contract_name(found) if found else text(slug)
        return self._contracts[slug]


@dataclass(frozen=True)
class EntryView:
    entry: object
    actor: str
    action: str
    contract: str
    object: str
    detail: str

    @property
    def seq(self):
        return self.entry.seq

    @property
    def created_at(self):
        return self.entry.created_at

    @property
    def ip_address(self):
        return self.entry.ip_address or ""

    @property
    def format(self) -> str:
        """The file format of a download (PDF, Excel（XLSX）)."""
        return format_name(self.payload.get("format"))

    @property
    def rows(self) -> str:
        return count(self.payload.get("rows"))

    @property
    def payload(self) -> dict:
        return self.entry.payload if isinstance(self.entry.payload, dict) else {}


def actor_text(entry, context: Context) -> str:
    if entry.actor_id is not None:
        return person_name(entry.actor)
    label = entry.actor_label or ""
    if entry.action == "auth.login_failed":
        # The only label a stranger types: whatever it says, it is read as a username, never as the system.
        return context.person(label) if label else _("（利用者名なし）")
    if label.startswith("manage.py"):
        return _("システム（管理コマンド）")
    if label:
        return context.person(label)
    return _("システム")


def object_text(entry, context: Context) -> str:
    if not entry.object_type:
        return ""
    if entry.object_type == "contracts.contract" and str(entry.contract_id) == entry.object_id:
        # The contract column already names it with its year.
        return _("契約の内容")
    shown = context.objects.get((entry.object_type, entry.object_id))
    if shown:
        return shown
    # No app names this kind of object, or the object is gone: its stored text may carry a username
    # (``str()`` of many models shows one), so only its kind and number are shown.
    model = _model(entry.object_type)
    kind = model_name(model) if model is not None else _("対象")
    if entry.object_type in registry().objects:
        return _("%(kind)s（削除済み）") % {"kind": kind}
    return _("%(kind)s（No.%(id)s）") % {"kind": kind, "id": entry.object_id}


def model_name(model) -> str:
    """A model's name in Japanese; the apps' ``MODEL_NAMES`` cover models of other packages."""
    return str(registry().model_names.get(model._meta.label_lower, model._meta.verbose_name))


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def detail_text(entry, context: Context) -> str:
    payload = entry.payload if isinstance(entry.payload, dict) else {}
    render = registry().details.get(entry.action)
    if render is not None:
        try:
            return render(payload, context)
        except (KeyError, TypeError, ValueError, AttributeError):
            # An older entry's payload may lack what today's sentence expects: fall back to the fields.
            pass
    return fields_text(payload, context)


def present(entries: Iterable) -> list[EntryView]:
    """The entries as a person reads them, in the order given."""
    entries = list(entries)
    context = Context(entries)
    return [
        EntryView(entry=e, actor=actor_text(e, context), action=action_label(e.action),
                  contract=contract_name(e.contract), object=object_text(e, context), detail=detail_text(e, context))
        for e in entries
    ]


def present_in_batches(entries, size: int = 1000):
    """``present`` for a long queryset (an export), one batch of lookups per ``size`` entries."""
    batch = []
    for entry in entries.iterator(chunk_size=size) if hasattr(entries, "iterator") else entries:
        batch.append(entry)
        if len(batch) == size:
            yield from present(batch)
            batch = []
    if batch:
        yield from present(batch)
