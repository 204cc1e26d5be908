"""What the load balancer asks every few seconds: can this server serve the app right now?

Three checks, each a query or two: the database answers, every migration the code knows is applied (a
server started with new code before ``migrate`` ran would write to tables that are not there yet), and
the audit chain's head can be read (every change the app makes appends to it). Nothing about the data.
"""

import functools
import logging

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from audit.models import AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@functools.cache
def known_migrations() -> dict[tuple[str, str], list]:
    """The migrations of the code this process runs, read from disk once: new code copied onto the server
    before the restart must not take the still-running old code out of rotation."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: list(migration.replaces) for key, migration in loader.graph.nodes.items()}


def _migrations() -> None:
    applied = MigrationRecorder(connection).applied_migrations()
    missing = [key for key, replaces in known_migrations().items()
               if key not in applied and not (replaces and all(r in applied for r in replaces))]
    if missing:
        raise RuntimeError(f"{len(missing)} unapplied migrations")


def _audit() -> None:
    AuditChainHead.objects.values_list("last_seq", flat=True).first()
    AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()


CHECKS = {"database": _database, "migrations": _migrations, "audit": _audit}


def failed_checks() -> list[str]:
    """The names of the checks that fail, in order; empty when the server is healthy."""
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            # The kind of failure only: a driver's message may quote a statement or its values.
            logger.warning("health check %s failed: %s", name, type(error).__name__)
            failed.append(name)
    return failed
