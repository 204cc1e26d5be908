"""/healthz tells the load balancer whether this server can serve the app: the database answers, every
migration is applied, the audit chain's head can be read. No login, no data, no cookie, no lockout."""

import json
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import OperationalError
from django.urls import reverse

from audit.models import AuditChainHead

pytestmark = pytest.mark.django_db

URL = "/healthz"


def test_the_address_is_the_one_the_deployment_files_name():
    assert reverse("operations:healthz") == URL


def test_a_healthy_server_answers_200_with_a_tiny_body_and_no_cookie(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_a_head_request_is_answered_too_and_a_post_is_not(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_a_signed_in_person_gets_the_same_answer_and_nothing_about_them(client_as, world):
    response = client_as(world.hr).get(URL)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert world.hr.username.encode() not in response.content


def test_an_unapplied_migration_takes_the_server_out_of_rotation(client):
    """A server started with new code before ``migrate`` ran: the code knows a migration the database lacks."""
    latest = MigrationRecorder.Migration.objects.filter(app="audit").order_by("-id").first()
    latest.delete()
    response = client.get(URL)
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "failed": ["migrations"]}


def test_new_code_copied_beside_the_running_code_does_not_take_it_out_of_rotation(client, monkeypatch):
    """The check knows the migrations of the code this process runs (read once), not whatever lies on disk now:
    during an upgrade the old workers keep serving; after the restart, the new code waits for ``migrate``."""
    from operations import health

    real_loader = health.MigrationLoader
    health.known_migrations.cache_clear()
    assert client.get(URL).status_code == 200

    def newer_code_on_disk(*args, **kwargs):
        loader = real_loader(*args, **kwargs)
        loader.graph.nodes[("audit", "9999_from_the_next_release")] = SimpleNamespace(replaces=[])
        return loader

    monkeypatch.setattr(health, "MigrationLoader", newer_code_on_disk)
    assert client.get(URL).status_code == 200
    health.known_migrations.cache_clear()  # the restart
    response = client.get(URL)
    assert response.status_code == 503 and json.loads(response.content)["failed"] == ["migrations"]
    monkeypatch.undo()
    health.known_migrations.cache_clear()


def test_an_unreachable_database_answers_503(client):
    down = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(connections["default"], "create_cursor", side_effect=down):
        response = client.get(URL)
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "failed": ["database", "migrations", "audit"]}


def test_an_unreadable_audit_head_answers_503_and_the_log_names_no_data(client, caplog):
    table = AuditChainHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{table}_away"')
    response = client.get(URL)
    assert response.status_code == 503
    assert json.loads(response.content)["failed"] == ["audit"]
    logged = [r.getMessage() for r in caplog.records if r.name == "operations.health"]
    assert logged == ["health check audit failed: OperationalError"] or \
        logged == ["health check audit failed: ProgrammingError"]


def test_a_lockout_of_the_address_does_not_stop_the_health_check(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(reverse("accounts:login"), {"username": world.hr.username, "password": "wrong password 123"})
    assert client.post(reverse("accounts:login"), {"username": world.hr.username,
                                                   "password": "wrong password 123"}).status_code in (403, 429)
    assert client.get(URL).status_code == 200


def test_plain_http_is_not_redirected_to_https_for_the_load_balancer(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("accounts:login")).status_code == 301
    assert client.get(URL).status_code == 200
