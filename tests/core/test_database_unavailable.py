"""When the database is gone in the middle of a request (a restart, a failover), the person gets a page in
Japanese saying so and to try again shortly (503, Retry-After), never a traceback and never Django's bare
"Server Error (500)"; the page itself asks nothing of the database. Any other error gets a Japanese 500."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

import contracts.selectors

pytestmark = pytest.mark.django_db

UNAVAILABLE = "データベースに接続できなかったため、この操作を最後まで処理できませんでした。"


@pytest.fixture
def browser(world):
    from tests.factories import login_verified

    return login_verified(Client(raise_request_exception=False), world.hr)


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   InterfaceError("connection already closed")])
def test_the_database_lost_in_a_view_answers_503_in_japanese(browser, monkeypatch, error):
    def lost(user):
        raise error

    monkeypatch.setattr(contracts.selectors, "contract_list_for", lost)
    response = browser.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert UNAVAILABLE in page and "もう一度操作してください" in page
    assert "Traceback" not in page and "server closed" not in page and "Server Error" not in page


def test_the_database_lost_before_any_view_still_answers_503_without_asking_it_again(browser, monkeypatch):
    # The session is read from the database by the middleware, before any view: the error page must not
    # read it again (the user's name in the header would), or the person would get gunicorn's bare 500.
    def lost(self):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionStore, "load", lost)
    response = browser.get("/handover/")
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_any_other_error_answers_500_in_japanese_without_a_traceback(browser, monkeypatch):
    def broken(user):
        raise ValueError("a bug with a secret in its message")

    monkeypatch.setattr(contracts.selectors, "contract_list_for", broken)
    response = browser.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "システムの内部でエラーが発生したため、この操作を処理できませんでした。" in page
    assert "secret" not in page and "Traceback" not in page
