"""A refused request is one line in the log (method, path, status, user number), never a traceback
(issue 13, finding 14); a server error keeps its traceback."""

import logging

import pytest

pytestmark = pytest.mark.django_db


def test_a_403_logs_one_line_without_a_traceback(client_as, world, caplog):
    caplog.set_level(logging.WARNING)
    client = client_as(world.outsider)
    assert client.get("/audit/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and not record.exc_text
    line = logging.Formatter().format(record)
    assert line == f"Forbidden (Permission denied): /audit/ [GET 403 user={world.outsider.pk}]"
    assert "Traceback" not in caplog.text and "\n" not in line


def test_the_handler_filter_also_shortens_records_of_other_loggers():
    from core.request_logging import OneLineClientErrors

    try:
        raise PermissionError("boom")
    except PermissionError:
        import sys

        record = logging.LogRecord("django.security.DisallowedHost", logging.ERROR, __file__, 1,
                                   "Invalid HTTP_HOST header: %s", ("evil.example",), sys.exc_info())
    record.status_code = 400
    assert OneLineClientErrors().filter(record)
    assert logging.Formatter().format(record) == "Invalid HTTP_HOST header: evil.example [- 400 user=-]"


def test_logging_puts_the_filter_on_the_console_handler(settings):
    assert "one_line_client_errors" in settings.LOGGING["handlers"]["console"]["filters"]
