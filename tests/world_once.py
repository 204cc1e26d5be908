"""The ``world`` fixture's rows, built once per worker and written back into each test's own transaction.

``make_world`` goes through the services (about 80 rows: users, contracts, designations, object permissions, a
dozen audit entries) and costs about 0.1 s of CPU; some 900 tests ask for it. Here it is built once, inside a
savepoint that is rolled back, and what it added or changed in the database is kept, with the audit chain's
state files it wrote (audit/state.py). A test then gets exactly those rows written back with plain INSERTs and
UPDATEs inside its own transaction (rolled back with it as before), the state files copied into its own
directory, and every object of the world read afresh: the database and the files are as if it had built the
world itself, at most a few minutes earlier.

Where that would not hold, the test builds the world itself, as before:
- it commits (``transactional_db``, ``live_server``): no transaction of its own to write the rows into;
- the time or the date is moved (the ``clock`` fixture set before the world), or a setting that shapes the rows
  differs from when they were built (keys, password hashers, language, time zone, the date);
- the tables ``make_world`` reads or writes are not as they were when it was built (a module's world built once
  around the test, a fixture's rows, the tables emptied by a committing test): the rows are then built again
  from the tables as they are, and kept for the tests after it;
- its audit state directory already holds something.
TESTS_WORLD_ONCE=0 in the environment makes every test build its own (to rule this module out).
"""

import os
import re
import time
from dataclasses import dataclass, fields
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone, translation

from tests.factories import World, make_world

_REAL_NOW = timezone.now
_REAL_LOCALDATE = timezone.localdate
# Rows kept at most this long, so the world's times stay close to the test's.
MAX_AGE_SECONDS = 300
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')


@dataclass
class _Snapshot:
    conditions: tuple
    built_at: float
    tables: dict  # table -> (row count, highest primary key) before the world, for every table it touched
    added: list  # (model, [field values by attname]) in the order the tables were first written
    changed: list  # (model, pk, values before, values after)
    objects: dict  # World field -> (model, pk)
    state_files: dict  # file name -> (bytes, mode)


_snapshot: _Snapshot | None = None


def _conditions() -> tuple:
    """What shapes the rows besides the tables: the keys, the hashers, the language, the zone, the date."""
    return (settings.SECRET_KEY, settings.AUDIT_KEY, getattr(settings, "DATA_KEY", ""),
            tuple(settings.PASSWORD_HASHERS), settings.LANGUAGE_CODE, translation.get_language(),
            settings.TIME_ZONE, settings.USE_TZ, timezone.localdate())


def _table_models() -> dict:
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy}


def _table_state(tables) -> dict:
    """(row count, highest primary key) of each table, in one query."""
    if not tables:
        return {}
    qn = connection.ops.quote_name
    models = _table_models()
    with connection.cursor() as cursor:
        parts = [f"SELECT {index}, COUNT(*), MAX({qn(models[table]._meta.pk.column)}) FROM {qn(table)}"
                 for index, table in enumerate(tables)]
        cursor.execute(" UNION ALL ".join(parts))
        rows = {index: (count, top) for index, count, top in cursor.fetchall()}
    return {table: rows[index] for index, table in enumerate(tables)}


def _rows(model) -> dict:
    return {row[model._meta.pk.attname]: row for row in model._base_manager.using("default").values(
        *[f.attname for f in model._meta.concrete_fields])}


def _usable() -> bool:
    """Whether the rows may be written back here at all (see the module's list)."""
    state_dir = Path(settings.AUDIT_STATE_DIR)
    return (connection.in_atomic_block and timezone.now is _REAL_NOW and timezone.localdate is _REAL_LOCALDATE
            and not (state_dir.exists() and any(state_dir.iterdir())))


def _build(state_dir) -> _Snapshot | None:
    """make_world in a savepoint that is rolled back; what it did, or None when it cannot be replayed."""
    table_models = _table_models()
    before_rows = {table: _rows(model) for table, model in table_models.items()}
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    outbox = len(getattr(mail, "outbox", []))
    snapshot = None
    savepoint = transaction.atomic()
    # Marked as the test's own transaction is, so a durable block in the services still opens (and
    # tests/conftest.py writes the head file's lines as each of the services' blocks ends, as in a test).
    savepoint._from_testcase = True
    with override_settings(AUDIT_STATE_DIR=state_dir), savepoint:
        first_hook = len(connection.run_on_commit)
        with connection.execute_wrapper(record):
            world = make_world()
        hooks = connection.run_on_commit[first_hook:]
        del connection.run_on_commit[first_hook:]
        from audit.state import is_head_record

        replayable = all(is_head_record(func) for _sids, func, _robust in hooks) and \
            len(getattr(mail, "outbox", [])) == outbox
        for _sids, func, _robust in hooks:
            if is_head_record(func):
                func()  # the head file's lines, as the test's own commit of each block would write them
        after_rows = {table: _rows(model) for table, model in table_models.items()}
        # Every table it read (named in its queries) or wrote, in the order its queries first named them.
        touched = []
        for sql in statements:
            for name in _QUOTED.findall(sql):
                if name in before_rows and name not in touched:
                    touched.append(name)
        touched += [table for table in table_models if table not in touched and after_rows[table] != before_rows[table]]
        added, changed = [], []
        for table in touched:
            model = table_models[table]
            after, before = after_rows[table], before_rows[table]
            if set(before) - set(after):
                replayable = False  # a row deleted: not replayed
            new = [after[pk] for pk in after if pk not in before]
            if new:
                added.append((model, new))
            changed += [(model, pk, before[pk], after[pk]) for pk in after if pk in before and after[pk] != before[pk]]
        objects = {}
        for field in fields(World):
            obj = getattr(world, field.name)
            objects[field.name] = (type(obj), obj.pk)
        transaction.set_rollback(True)
    if replayable:
        # The tables' state before the world (this savepoint was rolled back to it).
        snapshot = _Snapshot(conditions=_conditions(), built_at=time.monotonic(), tables=_table_state(touched),
                             added=added, changed=changed, objects=objects,
                             state_files={p.name: (p.read_bytes(), p.stat().st_mode & 0o7777)
                                          for p in state_dir.iterdir() if p.is_file()})
    return snapshot


def _replay(snapshot: _Snapshot) -> World:
    for model, pk, _before, after in snapshot.changed:
        values = {name: value for name, value in after.items() if name != model._meta.pk.attname}
        model._base_manager.using("default").filter(pk=pk).update(**values)
    for model, rows in snapshot.added:
        model._base_manager.using("default").bulk_create([model(**row) for row in rows])
    state_dir = Path(settings.AUDIT_STATE_DIR)
    state_dir.mkdir(parents=True, exist_ok=True)
    for name, (content, mode) in snapshot.state_files.items():
        path = state_dir / name
        path.write_bytes(content)
        path.chmod(mode)
    by_model = {}
    for model, pk in snapshot.objects.values():
        by_model.setdefault(model, set()).add(pk)
    loaded = {model: model._base_manager.using("default").in_bulk(pks) for model, pks in by_model.items()}
    return World(**{name: loaded[model][pk] for name, (model, pk) in snapshot.objects.items()})


def _matches(snapshot: _Snapshot) -> bool:
    if snapshot.conditions != _conditions() or time.monotonic() - snapshot.built_at > MAX_AGE_SECONDS:
        return False
    if _table_state(list(snapshot.tables)) != snapshot.tables:
        return False
    for model, pk, before, _after in snapshot.changed:
        current = model._base_manager.using("default").filter(pk=pk).values(*before).first()
        if current != before:
            return False
    return True


def world_for_test(tmp_path_factory) -> World:
    """The world for one test: its rows written back when they may be, else built by make_world."""
    global _snapshot
    if os.environ.get("TESTS_WORLD_ONCE") == "0" or not _usable():
        return make_world()
    if _snapshot is None or not _matches(_snapshot):
        _snapshot = _build(tmp_path_factory.mktemp("world-audit-state"))
        if _snapshot is None or not _matches(_snapshot):
            _snapshot = None
            return make_world()
    return _replay(_snapshot)
