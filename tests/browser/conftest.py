"""The browser journeys' machinery: the app over real HTTP, a headless Chromium on an isolated
network (every request's host is recorded, so a journey can prove nothing left the app).
The steps journeys take are ``tests.browser.steps``."""

import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.apps import make_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(app):
    """The app served over real HTTP, with CSRF protection on as in production."""
    served = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), (
        f"Chromium not found at {CHROMIUM}: install the Debian packages chromium and chromium-driver"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.requested_hosts = set()
    page.on("request", lambda request: page.requested_hosts.add(urlsplit(request.url).netloc))
    page.set_default_timeout(30000)  # a wait for the page, not a speed limit: the suite shares the cores
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed journey reports where its browser was and what the page said: a timeout
    alone names only the text it waited for, not the page that came instead."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or page is None:
        return
    try:
        text = page.inner_text("body", timeout=2000)
    except Exception as error:  # noqa: BLE001 — the page may be gone with the failure
        text = f"(no page text: {error})"
    report.sections.append(("the browser's page", f"{page.url}\n{text[:3000]}"))
