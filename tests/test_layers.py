"""The house stands in floors (conventions.md, "Layers"; README, "The house"): an app imports only apps below
it, ``core`` imports no app of the project, and no two files import each other in a circle.

The test reads every module of every app with ``ast`` (migrations, management commands and templatetags
included), and counts an import inside a function as an import: a lazy import is still an import.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Lowest first. An app may import the apps on a lower floor, never one on its own floor or above.
FLOORS = [
    ["core"],
    ["audit"],
    ["accounts"],
    ["contracttypes"],
    ["contracts"],
    ["directory"],
    ["attachments"],
    ["environment"],
    ["checklist"],
    ["handover"],
    ["engagement"],
    ["incidents"],
    ["statusreports"],
    ["supervision"],
    ["yearend"],
    ["imports"],
    ["register"],
    ["operations"],
    ["config"],
]
FLOOR = {app: level for level, apps in enumerate(FLOORS) for app in apps}


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        yield path, ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports(path: pathlib.Path, module: str):
    """(line, imported module) for every import in the file, at any depth, relative ones resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module.split(".")[:-1]  # a package's own name, for ``x/__init__.py`` (module ``x.__init__``) too
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # ``from yearend import closing`` imports yearend.closing
                yield node.lineno, f"{target}.{alias.name}"


def _all_imports():
    for app in FLOOR:
        for path, module in _modules(app):
            for line, target in _imports(path, module):
                yield app, path, module, line, target


def test_every_app_of_the_project_has_a_floor():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(FLOOR), f"apps without a floor in FLOORS: {sorted(apps - set(FLOOR))}"


def test_no_app_imports_an_app_on_its_floor_or_above():
    upward = []
    for app, path, _module, line, target in _all_imports():
        other = target.split(".")[0]
        if other in FLOOR and other != app and FLOOR[other] >= FLOOR[app]:
            upward.append(f"{path.relative_to(ROOT)}:{line} imports {target} ({app} is below {other})")
    assert not upward, "\n".join(upward)


def test_core_imports_no_app_of_the_project():
    found = [f"{path.relative_to(ROOT)}:{line} {target}" for app, path, _m, line, target in _all_imports()
             if app == "core" and target.split(".")[0] in FLOOR and target.split(".")[0] != "core"]
    assert not found, "\n".join(found)


def test_no_circle_of_imports_between_files():
    modules = {module: path for app in FLOOR for path, module in _modules(app)}
    packages = {module.rsplit(".", 1)[0] for module in modules if module.endswith(".__init__")}
    edges: dict[str, set[str]] = {}
    for _app, _path, module, _line, target in _all_imports():
        name = module.removesuffix(".__init__")
        while target and target not in modules and f"{target}.__init__" not in modules:
            target = target.rpartition(".")[0]
        if not target or target in packages or target == name:
            continue  # a package's __init__ is not a file's dependency on its siblings
        edges.setdefault(name, set()).add(target.removesuffix(".__init__"))
    circles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(" → ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not circles, "\n".join(circles)


@pytest.mark.parametrize("source, expected", [
    ("import yearend.closing\n", True),
    ("def f():\n    from yearend import closing\n", True),
    ("from core import dates\n", False),
])
def test_the_reader_sees_lazy_imports(tmp_path, source, expected):
    """The test would fail on a lazy upward import inside a function, not only on one at the top."""
    path = tmp_path / "mod.py"
    path.write_text(source)
    targets = [target for _line, target in _imports(path, "contracts.mod")]
    assert any(target.split(".")[0] == "yearend" for target in targets) is expected
