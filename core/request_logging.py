"""A refused request (4xx) is one line in the log, never a traceback.

Django logs a PermissionDenied (403), a bad request and a suspicious one with the exception attached, so
every refusal printed a full traceback: noise that hides real errors, and the frames' text can carry what
the request held. A 4xx record keeps Django's own message (the path, already redacted by
accounts.logging for enrolment links) and gains the method, the status and the user's number; the
exception is dropped. Server errors (5xx) keep their traceback.

A log line never repeats what a request sent (``NoRequestInput``): Django's security records
(``django.security.*``) quote the request in their text (a ``_to_field`` of 10,000 characters, a Host header,
an Origin), so they are written as the kind of refusal and the path; the path and method other records carry
are escaped and cut short. An app whose paths hold a secret registers a redactor (``PATH_REDACTORS``).
"""

import logging
from collections.abc import Callable

# Django's loggers that attach the exception to a 4xx; a logger's filter does not see its children's
# records (django.security.DisallowedHost…), so LOGGING puts the same filter on its handler too.
LOGGERS = ("django.request", "django.security.csrf")

# How much of a path or method a log line keeps; a longer one ends in "…".
PATH_MAX = 200
METHOD_MAX = 16
SECURITY = "django.security."
# Functions that rewrite a path holding a secret (accounts: an enrolment link's token), filled in by the apps.
PATH_REDACTORS: list[Callable[[str], str]] = []


def register_path_redactor(redact: Callable[[str], str]) -> None:
    if redact not in PATH_REDACTORS:
        PATH_REDACTORS.append(redact)


def clip(text: str, limit: int = PATH_MAX) -> str:
    """``text`` on one line (control and other unprintable characters escaped), at most ``limit`` characters."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def safe_path(request) -> str:
    path = getattr(request, "path", None)
    if not isinstance(path, str) or not path:
        return "-"
    for redact in PATH_REDACTORS:
        path = redact(path)
    return clip(path)


def _security_kind(record: logging.LogRecord) -> str:
    kind = record.name.removeprefix(SECURITY)
    if kind == "csrf" and isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
        # Django's reason, up to where it would quote the Origin or Referer header ("… - <value> does not …").
        return f"CSRF ({clip(record.args[0].split(' - ')[0], 60)})"
    return clip(kind, 60)


class NoRequestInput(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_no_request_input", False):
            return True
        record._no_request_input = True
        request = getattr(record, "request", None)
        if record.name.startswith(SECURITY):
            # The exception's text is the message Django logs, and its traceback repeats it.
            record.msg, record.args = "%s: %s", (_security_kind(record), safe_path(request))
            record.exc_info = record.exc_text = record.stack_info = None
        elif request is not None and isinstance(record.args, tuple):
            record.args = tuple(clip(a) if isinstance(a, str) else a for a in record.args)
        return True


class OneLineClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and not getattr(record, "_one_line", False):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
            request = getattr(record, "request", None)
            user = getattr(request, "user", None) if request is not None else None
            user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
            method = clip(getattr(request, "method", None) or "-", METHOD_MAX)
            record._one_line = True
            if isinstance(record.args, dict):
                return True  # a message with named fields: keep it as it is, without the exception
            args = record.args or ()
            record.msg = f"{record.msg} [%s %s user=%s]"
            record.args = (*args, method, status, user_id if user_id is not None else "-")
        return True


def _security_loggers() -> list[str]:
    """django.security.<class> for every SuspiciousOperation Django raises (and csrf): each record is cleaned
    where it is made, before any handler (a test's, an e-mail's) sees it; LOGGING's handler catches the rest."""
    from django.core.exceptions import SuspiciousOperation

    seen, todo = set(), [SuspiciousOperation]
    while todo:
        cls = todo.pop()
        if cls.__name__ not in seen:
            seen.add(cls.__name__)
            todo.extend(cls.__subclasses__())
    return [f"{SECURITY}{name}" for name in sorted(seen | {"csrf"})]


def install() -> None:
    import django.contrib.admin.exceptions  # noqa: F401 (its SuspiciousOperations, before they are listed)
    import django.contrib.sessions.exceptions  # noqa: F401

    for name in ("django.request", *_security_loggers()):
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoRequestInput) for f in logger.filters):
            logger.addFilter(NoRequestInput())
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLineClientErrors) for f in logger.filters):
            logger.addFilter(OneLineClientErrors())
