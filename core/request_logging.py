"""A refused request (4xx) is one line in the log, never a traceback.

Django logs a PermissionDenied (403), a bad request and a suspicious one with the exception attached, so
every refusal printed a full traceback: noise that hides real errors, and the frames' text can carry what
the request held. A 4xx record keeps Django's own message (the path, already redacted by
accounts.logging for enrolment links) and gains the method, the status and the user's number; the
exception is dropped. Server errors (5xx) keep their traceback.
"""

import logging

# Django's loggers that attach the exception to a 4xx; a logger's filter does not see its children's
# records (django.security.DisallowedHost…), so LOGGING puts the same filter on its handler too.
LOGGERS = ("django.request", "django.security.csrf")


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
            method = getattr(request, "method", None) or "-"
            record._one_line = True
            if isinstance(record.args, dict):
                return True  # a message with named fields: keep it as it is, without the exception
            args = record.args or ()
            record.msg = f"{record.msg} [%s %s user=%s]"
            record.args = (*args, method, status, user_id if user_id is not None else "-")
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLineClientErrors) for f in logger.filters):
            logger.addFilter(OneLineClientErrors())
