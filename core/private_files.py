"""Files only the app's own account may read: the SQLite database beside the keys in the var directory.

It imports nothing that reads settings, so config/settings.py can use it while settings are being read.
"""

import os
from pathlib import Path


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
