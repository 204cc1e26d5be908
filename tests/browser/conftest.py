"""Browser journeys: Playwright driving Debian's Chromium against the live test server.

Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
steps are still synchronous, so Django's async-safety guard is lifted for these tests only.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """``new_page()``: a fresh browser context (its own cookies) with a page on the live server."""
    contexts = []

    def _make(**options):
        context = chromium.new_context(base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo",
                                       accept_downloads=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in():
    """``sign_in(page, user)``: the real login: password, then the TOTP code from the user's device."""
    from tests.factories import PASSWORD, current_totp

    def _sign_in(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("ユーザー名").fill(user.username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="次へ").click()
        page.get_by_label("確認コード（6桁）").fill(current_totp(user))
        page.get_by_role("button", name="ログイン", exact=True).click()
        page.wait_for_url("**/")
        return page

    return _sign_in
