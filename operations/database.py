"""The database in a backup: one consistent copy, and a scratch restore to prove it can be used.

- PostgreSQL: ``pg_dump`` in custom format, inside a snapshot exported by a REPEATABLE READ transaction
  that also counts every table and reads the audit chain's head, so the manifest describes exactly the
  rows the dump holds, whatever is written meanwhile. The scratch restore is ``pg_restore`` into a
  database created for the drill on the same server and dropped afterwards (the role needs CREATEDB).
- SQLite: the online backup API (``sqlite3.Connection.backup``) into a private copy, counted from the copy.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.utils import load_backend

from audit.models import AuditEntry

from .archive import ArchiveWriter, read_pieces
from .crypto import CHUNK_SIZE, BackupError

SQLITE_MEMBER = "database.sqlite3"
POSTGRESQL_MEMBER = "database.dump"
MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRESQL_MEMBER}
SCRATCH_ALIAS = "backup_scratch"
# libpq keywords Django's OPTIONS may carry; others (pool, isolation_level, ...) are Django's own.
LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "connect_timeout", "application_name",
                 "target_session_attrs", "service", "passfile", "options", "channel_binding")

SQLITE_TABLES = "SELECT '', name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
POSTGRESQL_TABLES = ("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(cursor, vendor: str) -> dict[str, int]:
    """Rows per table (``schema.table`` outside the default schema), through any DB-API cursor."""
    cursor.execute(SQLITE_TABLES if vendor == "sqlite" else POSTGRESQL_TABLES)
    counts = {}
    for schema, table in sorted(cursor.fetchall()):
        qualified = f"{_quote(schema)}.{_quote(table)}" if schema else _quote(table)
        cursor.execute(f"SELECT count(*) FROM {qualified}")  # names from the catalogue, quoted
        counts[table if schema in ("", "public") else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def audit_head(cursor) -> dict:
    table = _quote(AuditEntry._meta.db_table)
    cursor.execute(f"SELECT count(*), max(seq) FROM {table}")
    entries, last_seq = cursor.fetchone()
    last_hash = ""
    if last_seq is not None:
        cursor.execute(f"SELECT hash FROM {table} WHERE seq = {int(last_seq)}")
        last_hash = cursor.fetchone()[0]
    return {"entries": entries, "last_seq": last_seq or 0, "last_hash": last_hash}


# --- making the copy ------------------------------------------------------------------------------


def dump(archive: ArchiveWriter, workdir: Path) -> dict:
    """Add the database to ``archive``; returns the manifest's ``database`` section."""
    if connection.vendor == "sqlite":
        return _dump_sqlite(archive, workdir)
    if connection.vendor == "postgresql":
        return _dump_postgresql(archive)
    raise BackupError(f"backups of a {connection.vendor} database are not supported", code="unsupported")


def _dump_sqlite(archive: ArchiveWriter, workdir: Path) -> dict:
    connection.ensure_connection()
    copy = workdir / "copy.sqlite3"
    target = sqlite3.connect(copy)
    try:
        # Page by page under the source's read lock, so the copy is one consistent state of the database.
        connection.connection.backup(target)
    finally:
        target.close()
    with contextlib.closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as db:
        cursor = db.cursor()
        tables = table_counts(cursor, "sqlite")
        head = audit_head(cursor)
    archive.add(SQLITE_MEMBER, read_pieces(copy))
    copy.unlink()
    return {"vendor": "sqlite", "member": SQLITE_MEMBER, "tables": tables, "audit": head}


def libpq_params(settings_dict: dict, *, dbname: str | None = None) -> dict:
    """Connection keywords for psycopg and the PostgreSQL tools, without the password."""
    params = {"dbname": dbname or settings_dict.get("NAME"), "user": settings_dict.get("USER"),
              "host": settings_dict.get("HOST"), "port": settings_dict.get("PORT")}
    options = settings_dict.get("OPTIONS") or {}
    params.update({key: options[key] for key in LIBPQ_OPTIONS if key in options})
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def _tool_env(settings_dict: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    # The password goes to the tools through their environment, never on a command line others can read.
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def pg_tool(name: str, server_version: int) -> str:
    """``pg_dump``/``pg_restore`` of the server's major version (Debian keeps one per version)."""
    if settings.PG_BIN_DIR:
        candidates = [Path(settings.PG_BIN_DIR) / name]
    else:
        candidates = [Path(f"/usr/lib/postgresql/{server_version // 10000}/bin/{name}")]
        found = shutil.which(name)
        if found:
            candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise BackupError(f"{name} for PostgreSQL {server_version // 10000} was not found: install the Debian "
                      f"package postgresql-client-{server_version // 10000}, or name its directory in "
                      "DJANGO_PG_BIN_DIR", code="database")


def _tool_error(what: str, stderr: bytes) -> str:
    # The server's DETAIL lines may quote a row's values; the first error line says enough.
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip() and not line.strip().startswith(("DETAIL", "HINT", "CONTEXT", "LINE"))]
    return f"{what}: {lines[0][:300] if lines else 'no message'}"


def _dump_postgresql(archive: ArchiveWriter) -> dict:
    import psycopg
    from psycopg.conninfo import make_conninfo

    settings_dict = connection.settings_dict
    params = libpq_params(settings_dict)
    with psycopg.connect(**params, password=settings_dict.get("PASSWORD") or None) as snapshot_conn:
        snapshot_conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_conn.read_only = True
        server_version = snapshot_conn.info.server_version
        with snapshot_conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = table_counts(cursor, "postgresql")
            head = audit_head(cursor)
        command = [pg_tool("pg_dump", server_version), "--format=custom", "--no-password",
                   f"--snapshot={snapshot}", f"--dbname={make_conninfo(**params)}"]
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=_tool_env(settings_dict))
            try:
                archive.add(POSTGRESQL_MEMBER, iter(lambda: process.stdout.read(CHUNK_SIZE), b""))
            finally:
                process.stdout.close()
                returncode = process.wait()
            if returncode:
                errors.seek(0)
                raise BackupError(_tool_error("pg_dump failed", errors.read(64 * 1024)), code="database")
        snapshot_conn.rollback()
    return {"vendor": "postgresql", "member": POSTGRESQL_MEMBER, "tables": tables, "audit": head,
            "server_version": server_version}


# --- the scratch restore --------------------------------------------------------------------------


@contextlib.contextmanager
def _alias(settings_dict: dict):
    """The scratch database as a Django connection of this thread only (never in settings.DATABASES), so the
    audit chain is read back by the same code that reads the live one."""
    # Django fills in the defaults of a database setting only beside a 'default' one.
    configured = connections.configure_settings({"default": dict(connection.settings_dict),
                                                 SCRATCH_ALIAS: dict(settings_dict)})[SCRATCH_ALIAS]
    wrapper = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, SCRATCH_ALIAS)
    connections[SCRATCH_ALIAS] = wrapper
    try:
        yield SCRATCH_ALIAS
    finally:
        wrapper.close()
        del connections[SCRATCH_ALIAS]


@contextlib.contextmanager
def scratch_database(vendor: str, member: Path):
    """Restore ``member`` into a scratch database and yield its connection alias; removed afterwards."""
    if vendor == "sqlite":
        with _alias({"ENGINE": "django.db.backends.sqlite3", "NAME": str(member)}) as alias:
            yield alias
    elif vendor == "postgresql":
        with _postgresql_scratch(member) as alias:
            yield alias
    else:
        raise BackupError(f"the backup holds a {vendor!r} database, which this app does not restore",
                          code="unsupported")


def _admin_connection(settings_dict: dict):
    import psycopg

    password = settings_dict.get("PASSWORD") or None
    # CREATE and DROP DATABASE from the maintenance database, as Django's test runner does; the app's own
    # database may not exist yet when a backup is restored onto a new server.
    for dbname in ("postgres", settings_dict.get("NAME")):
        try:
            return psycopg.connect(**libpq_params(settings_dict, dbname=dbname), password=password, autocommit=True)
        except psycopg.OperationalError as error:
            last = error
    raise BackupError(f"cannot reach the PostgreSQL server to make a scratch database: {str(last).strip()[:300]}",
                      code="restore")


@contextlib.contextmanager
def _postgresql_scratch(member: Path):
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    if connection.vendor != "postgresql":
        raise BackupError("this backup holds a PostgreSQL database: verify it on an installation whose "
                          "DATABASE_URL names a PostgreSQL server (the scratch database is made there)",
                          code="unsupported")
    settings_dict = connection.settings_dict
    name = f"{str(settings_dict.get('NAME') or 'itaku')[:40]}_verify_{secrets.token_hex(4)}"
    admin = _admin_connection(settings_dict)
    try:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
        except psycopg.errors.InsufficientPrivilege:
            raise BackupError(f"the database role {settings_dict.get('USER')!r} may not create the scratch "
                              "database a drill restores into; allow it once as the postgres user: "
                              f"ALTER ROLE {settings_dict.get('USER')} CREATEDB", code="restore") from None
        command = [pg_tool("pg_restore", admin.info.server_version), "--exit-on-error", "--no-owner",
                   "--no-privileges", "--no-password", f"--dbname={make_conninfo(**libpq_params(settings_dict, dbname=name))}",
                   str(member)]
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=_tool_env(settings_dict), check=False)
        if result.returncode:
            raise BackupError(_tool_error("pg_restore could not restore the dump into a scratch database",
                                          result.stderr), code="restore")
        with _alias({**settings_dict, "NAME": name}) as alias:
            yield alias
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()
