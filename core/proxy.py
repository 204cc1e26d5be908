"""Whether believing X-Forwarded-For (DJANGO_PROXY_COUNT) is safe where the app listens.

With DJANGO_PROXY_COUNT=N the app takes the client's address from X-Forwarded-For, for the login lockouts and
the audit trail. Whoever connects writes that header: it is the proxy's word only when nothing but the proxy can
reach the app's port. The deployment binds gunicorn to loopback behind nginx on the same server
(deploy/systemd/itaku.service binds ``DJANGO_APP_BIND``, 127.0.0.1:8001 in deploy/itaku.env.example). A system
check (``manage.py check``, ``migrate``, ``check --deploy``) and a warning in the log when gunicorn loads the app
say so whenever that cannot be confirmed: the bind address is not given, or it is not a loopback address.
"""

import ipaddress
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core import checks

logger = logging.getLogger(__name__)

CHECK_ID = "core.W001"


def is_loopback(address: str) -> bool:
    """Whether a gunicorn bind address (``127.0.0.1:8001``, ``[::1]:8001``, ``unix:/run/x.sock``) is reachable
    from this server only."""
    address = address.strip()
    if address.startswith(("unix:", "fd://")):
        return True
    if address.startswith("["):
        host = address[1:].split("]", 1)[0]
    elif address.count(":") > 1:
        host = address  # a bare IPv6 address
    else:
        host = address.split(":", 1)[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def gunicorn_binds(argv: list[str]) -> list[str]:
    """The addresses a gunicorn command line binds (``--bind X``, ``--bind=X``, ``-b X``, ``-bX``); [] when
    ``argv`` is not gunicorn's or names no address."""
    if not argv or Path(argv[0]).name != "gunicorn":
        return []
    binds = []
    for position, arg in enumerate(argv):
        if arg in ("--bind", "-b") and position + 1 < len(argv):
            binds.append(argv[position + 1])
        elif arg.startswith("--bind="):
            binds.append(arg.removeprefix("--bind="))
        elif arg.startswith("-b") and len(arg) > 2 and not arg.startswith("--"):
            binds.append(arg[2:])
    return binds


def problem(*, proxy_count: int, binds: list[str]) -> str:
    """Why believing X-Forwarded-For may be unsafe with ``binds``, or "" when it is not set or the app listens on
    loopback only."""
    if not proxy_count:
        return ""
    rule = (f"DJANGO_PROXY_COUNT={proxy_count}: the app takes the client's address for the login lockouts and the "
            "audit trail from X-Forwarded-For, which is only safe when the app's port cannot be reached except "
            "through the proxy.")
    if not binds:
        return rule + (" Set DJANGO_APP_BIND to the address gunicorn binds (deploy/: 127.0.0.1:8001, loopback, "
                       "with nginx on the same server) so that this can be confirmed.")
    reachable = ", ".join(address for address in binds if not is_loopback(address))
    if reachable:
        return rule + (f" gunicorn binds {reachable}, which is not a loopback address: whoever reaches it directly "
                       "can write X-Forwarded-For and choose the address recorded. Bind to 127.0.0.1 (or a unix "
                       "socket) behind a proxy on the same server, or let a firewall admit only the proxy to that "
                       "port.")
    return ""


@checks.register(checks.Tags.security)
def proxy_count_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    text = problem(proxy_count=settings.PROXY_COUNT, binds=[settings.APP_BIND] if settings.APP_BIND else [])
    return [checks.Warning(text, id=CHECK_ID)] if text else []


def warn_at_start(argv: list[str] | None = None) -> str:
    """When gunicorn loads the app: log the warning, judged from the address gunicorn was really told to bind
    (its command line) where there is one, else from DJANGO_APP_BIND. Returns what was logged ("" if nothing)."""
    binds = gunicorn_binds(sys.argv if argv is None else argv)
    if not binds and settings.APP_BIND:
        binds = [settings.APP_BIND]
    text = problem(proxy_count=settings.PROXY_COUNT, binds=binds)
    if text:
        logger.warning(text)
    return text
