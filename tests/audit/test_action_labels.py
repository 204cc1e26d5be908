"""Every audit action has a Japanese label: each one written anywhere in the code, and each one the demo
leaves in the trail. The labels come from one registry that each app's ``audit_actions.py`` feeds."""

import ast
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from audit.formatting import action_label, actions_matching, personal_data_downloads, present, registry
from audit.models import AuditEntry
from tests.audit.conftest import CODE

PROJECT = Path(settings.BASE_DIR)


def _source_files() -> list[Path]:
    files = []
    for config in apps.get_app_configs():
        root = Path(config.path)
        if root.is_relative_to(PROJECT) and ".venv" not in root.parts:
            files += [p for p in root.rglob("*.py") if "migrations" not in p.parts]
    return files


def _module_constants(trees) -> dict[str, set[str]]:
    constants: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        constants.setdefault(target.id, set()).add(node.value.value)
    return constants


def _assigned(function, name: str) -> list[ast.expr]:
    """The expressions assigned to ``name`` inside ``function`` (``a = x``, ``k, a = y, x``)."""
    values = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                values.append(node.value)
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for element, value in zip(target.elts, node.value.elts, strict=False):
                    if isinstance(element, ast.Name) and element.id == name:
                        values.append(value)
    return values


class _Scanner:
    def __init__(self):
        self.trees = {path: ast.parse(path.read_text(), str(path)) for path in _source_files()}
        self.constants = _module_constants(self.trees)
        self.actions: dict[str, str] = {}     # action → where it is written
        self.patterns: dict[str, str] = {}    # f-string action as a regular expression → where
        self.unresolved: list[str] = []
        self.payload_keys: dict[str, set[str]] = {}  # action → top-level payload keys written literally

    def scan(self):
        for path, tree in self.trees.items():
            self._visit(tree, tree, set(), path)
        return self

    def _visit(self, node, function, params, path):
        """Each ``action=`` argument, read in the innermost function around it."""
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                args = child.args
                self._visit(child, child, {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}, path)
                continue
            if isinstance(child, ast.Call):
                for keyword in child.keywords:
                    if keyword.arg == "action":
                        self._resolve(keyword.value, function, params, f"{path.relative_to(PROJECT)}:{child.lineno}")
                self._payload(child, function)
            self._visit(child, function, params, path)

    def _payload(self, call, function):
        """The literal keys of ``payload={...}`` (or of a dict assigned to the name passed), per action."""
        keywords = {k.arg: k.value for k in call.keywords}
        action, payload = keywords.get("action"), keywords.get("payload")
        if not (isinstance(action, ast.Constant) and isinstance(action.value, str)) or payload is None:
            return
        dicts = [payload] if isinstance(payload, ast.Dict) else (
            _assigned(function, payload.id) if isinstance(payload, ast.Name) else [])
        for node in dicts:
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
                self.payload_keys.setdefault(action.value, set()).update(keys)

    def _resolve(self, node, function, params, where, depth=0):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "." in node.value:  # audit actions are dotted; other ``action=`` arguments are not
                self.actions.setdefault(node.value, where)
        elif isinstance(node, ast.IfExp):
            self._resolve(node.body, function, params, where, depth)
            self._resolve(node.orelse, function, params, where, depth)
        elif isinstance(node, ast.JoinedStr):
            pattern = "".join(re.escape(part.value) if isinstance(part, ast.Constant) else r"[^.]+(?:\.[^.]+)*?"
                              for part in node.values)
            if "." in pattern:
                self.patterns.setdefault(pattern, where)
        elif isinstance(node, ast.Name):
            if node.id in params:
                return  # passed through: the callers' values are scanned where they are written
            values = _assigned(function, node.id) if depth < 3 else []
            for value in values:
                self._resolve(value, function, params, where, depth + 1)
            for constant in self.constants.get(node.id, ()) if not values else ():
                self._resolve(ast.Constant(constant), function, params, where, depth + 1)
            if not values and node.id not in self.constants:
                self.unresolved.append(f"{where} (action={node.id})")


@pytest.fixture(scope="module")
def scanned():
    return _Scanner().scan()


def test_the_scan_finds_the_actions_written_in_many_ways(scanned):
    # A literal, a conditional (contract steps), a tuple assignment (checklist review), a pass-through
    # helper (checklist._record), an f-string (the admin): if the scan missed these it would prove nothing.
    for action in ("handover.recorded", "contract.step.completed", "contract.step.reopened",
                   "checklist.item.accepted", "checklist.item.returned", "checklist.plan.saved", "audit.log.exported"):
        assert action in scanned.actions, action
    assert any(pattern.startswith("admin") for pattern in scanned.patterns)


def test_every_action_written_in_the_code_has_a_label(scanned):
    labels = registry().labels
    missing = {action: where for action, where in scanned.actions.items() if action not in labels}
    assert not missing, f"Add these to LABELS in the app's audit_actions.py: {missing}"
    assert not scanned.unresolved, (
        f"Write the audit action as a string literal (or a module constant) so it can be checked: {scanned.unresolved}")


def test_every_payload_key_of_an_action_without_its_own_sentence_has_a_name(scanned):
    # Without a sentence of its own, an entry reads as 「名前: 値」 for each key an app has named in FIELDS;
    # a key nobody named would silently be left out of what the auditor reads.
    reg = registry()
    assert scanned.payload_keys["contract.step.completed"] >= {"step", "note"}
    unnamed = {action: sorted(keys - set(reg.fields)) for action, keys in scanned.payload_keys.items()
               if action not in reg.details and keys - set(reg.fields)}
    assert not unnamed, f"Name these payload keys in FIELDS (or give the action a sentence in DETAILS): {unnamed}"


def test_every_action_built_with_an_f_string_has_labels(scanned):
    labels = registry().labels
    for pattern, where in scanned.patterns.items():
        assert any(re.fullmatch(pattern, action) for action in labels), f"{where}: no label matches {pattern}"


def test_the_admin_labels_name_the_model_in_japanese():
    assert action_label("admin.contracts.organisation.changed") == "管理画面で組織を変更"
    assert action_label("admin.auth.group.changed") == "管理画面でグループを変更"
    assert action_label("admin.otp_totp.totpdevice.added") == "管理画面で二要素認証（TOTP）の端末を追加"


def test_every_label_is_japanese_and_no_two_actions_read_the_same():
    labels = {action: str(label) for action, label in registry().labels.items()}
    for action, label in labels.items():
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label), (action, label)
        assert not re.search(r"[a-z]+\.[a-z]+", label), (action, label)
    assert len(set(labels.values())) == len(labels)


@pytest.mark.django_db
def test_every_action_the_demo_leaves_has_a_label_and_reads_in_words():
    call_command("load_demo", stdout=io.StringIO())
    actions = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    assert len(actions) >= 15
    missing = sorted(a for a in actions if a not in registry().labels)
    assert not missing, f"Add these to LABELS in the app's audit_actions.py: {missing}"
    demo_usernames = ("sato", "tanaka", "yamada", "suzuki", "kobayashi", "admin")
    for view in present(AuditEntry.objects.select_related("contract", "actor__profile").order_by("seq")):
        words = " ".join([view.actor, view.action, view.contract, view.object, view.detail])
        assert not CODE.search(words), (view.seq, words)
        assert not any(re.search(rf"\b{name}\b", words) for name in demo_usernames), (view.seq, words)
        assert view.actor and view.action != "その他の操作", (view.seq, words)
        if view.entry.contract_id:
            assert re.search(r"（令和\d+年度）$", view.contract), view.contract


def test_a_search_for_a_word_finds_every_action_of_its_group():
    handover_actions = {a for a in registry().labels if a.startswith("handover.")}
    assert handover_actions and handover_actions <= actions_matching("受渡し")
    assert "checklist.item.accepted" not in actions_matching("受渡し")
    assert {"checklist.item.accepted", "checklist.exported"} <= actions_matching("チェックリスト")
    assert {"auth.login", "auth.login_failed"} <= actions_matching("ログイン")
    assert actions_matching("存在しない操作") == set()


def test_personal_data_downloads_are_declared_by_the_apps_that_write_them():
    assert {"handover.ledger.exported", "checklist.exported", "audit.log.exported",
            "audit.downloads.exported"} <= personal_data_downloads()
    assert personal_data_downloads() <= set(registry().labels)
