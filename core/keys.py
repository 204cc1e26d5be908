"""Keys kept outside the database: from the environment, or a random key made once in a file.

It imports nothing that reads settings, so config/settings.py can use it while settings are being read.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def key_from_env_or_file(env_name: str, var_dir: Path, filename: str, *, min_length: int = 0) -> str:
    """The key in ``env_name``, or the one in ``var_dir/filename``, made once with mode 600.

    The file is written under a temporary name and linked into place, so two processes starting together
    never end up with two different keys. Servers that share data must share the environment variable.
    """
    key = os.environ.get(env_name)
    if key:
        if len(key) < min_length:
            raise ImproperlyConfigured(f"{env_name} needs at least {min_length} characters.")
        return key
    path = Path(var_dir) / filename
    if not path.exists():
        try:
            write_once(path, secrets.token_urlsafe(64))
        except FileExistsError:
            pass
    return path.read_text().strip()


def write_once(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 600, once: raises FileExistsError when the file exists.

    Written under a temporary name and linked into place, so two processes making it together end up with
    the same file, a reader never sees half of it, and nothing ever rewrites it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    try:
        os.link(tmp, path)
    finally:
        tmp.unlink()
