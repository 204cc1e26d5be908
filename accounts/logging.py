"""Keep enrolment links out of the application's logs.

Django logs the path of every refused request (``django.request``: "Not Found: /accounts/welcome/…/") and,
under ``runserver``, every request line (``django.server``). An enrolment link's path is a secret until it
is used, so those records have the token replaced before any handler sees them.
"""

import logging
import re

from core import request_logging

TOKEN_IN_PATH = re.compile(r"(/accounts/welcome/)[^/\s\"'?#]+")
REDACTED = r"\1[redacted]"


def redact(value):
    return TOKEN_IN_PATH.sub(REDACTED, value) if isinstance(value, str) else value


class RedactEnrolmentLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) for k, v in record.args.items()}
        return True


LOGGERS = ("django.request", "django.server", "django.security.csrf")


def install() -> None:
    # Django's security records are rewritten as the kind of refusal and the path (core.request_logging).
    request_logging.register_path_redactor(redact)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactEnrolmentLinks) for f in logger.filters):
            logger.addFilter(RedactEnrolmentLinks())
