"""Helpers for the backup tests: the commands as an administrator runs them, and what they leave."""

import io
import os
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from audit.models import AuditEntry


def add_media_file(settings, relative: str, content: bytes) -> Path:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def make_backup(directory: Path, *args: str) -> Path:
    out = io.StringIO()
    call_command("backup", "--out", str(directory), *args, stdout=out)
    return Path(out.getvalue().split(" (")[0])


def verify_backup(target, *args: str) -> str:
    out = io.StringIO()
    call_command("backup_verify", str(target), *args, stdout=out)
    return out.getvalue()


def last_entry(action: str) -> AuditEntry | None:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def live_counts() -> dict[str, int]:
    from operations.database import table_counts

    with connection.cursor() as cursor:
        return table_counts(cursor, connection.vendor)


def is_private(path: Path) -> bool:
    return os.stat(path).st_mode & 0o077 == 0
