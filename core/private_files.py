"""Files only the app's own account may read: the SQLite database beside the keys in the var directory,
and every file the app writes that holds personal data or a password (a package, its password notice,
an export a command writes).

Two layers, because either alone is forgotten somewhere: every process of the app (``manage.py``, the
WSGI application) starts with :func:`owner_only_umask`, so anything it creates is 600 (a directory 700)
whatever the shell or the service unit gave it; and the commands write their output through
:func:`write_private`, which is 600 even when called from a process that did not start that way (a test,
a script importing the command).

It imports nothing that reads settings, so config/settings.py can use it while settings are being read.
"""

import os
from pathlib import Path

OWNER_ONLY_UMASK = 0o077


def owner_only_umask() -> int:
    """Set the process umask to 077 (files 600, directories 700); returns the one it replaced."""
    return os.umask(OWNER_ONLY_UMASK)


def private_file(path: Path) -> None:
    """Make ``path`` exist with mode 600 before anything opens it, and take group and other access away
    from one made earlier (SQLite creates a missing database with the process's umask, often 644; its
    journal and WAL files take the database file's mode)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat()
        if mode.st_mode & 0o077 and mode.st_uid == os.getuid():
            path.chmod(mode.st_mode & 0o700)
    else:
        os.close(fd)


def write_private(path: Path | str, content: bytes) -> Path:
    """Write ``content`` to ``path`` readable and writable by the owner only (600).

    The file is made 600 before a byte is in it; one that existed is emptied and tightened first, so
    a file someone else could read never holds the new content.
    """
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            fd = -1
            out.write(content)
    finally:
        if fd != -1:
            os.close(fd)
    return path


def private_directory(path: Path | str) -> Path:
    """Make ``path`` (and its missing parents) as a directory only the owner can enter (700); an existing
    directory is left as it is (it may be shared on purpose, like a mount point)."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
