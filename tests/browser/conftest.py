"""The live server and the browser page of the browser tests."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.builders import build_world
from tests.conftest import BACKEND, _empty_postgres, make_app
from workflow.extensions import db


def buffered(app):
    """The application with each response read whole and closed before the server sends it.

    Werkzeug's development server leaves a streamed file (a stylesheet) unclosed when the
    browser drops the connection while it is sent (Chromium does when a page navigates away);
    the leaked file then fails the test as an unclosed-file warning. Reading the body inside
    the call closes the file whatever the client does."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture
def live(tmp_path, pg_database):
    app = make_app(tmp_path, pg_database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        if BACKEND == "sqlite":
            db.create_all()
        world = build_world()
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, world, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.session.remove()
        if BACKEND == "postgresql":
            _empty_postgres()
        db.engine.dispose()


@pytest.fixture
def page(tmp_path):
    from tests.browser import driver

    with driver.playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=driver.CHROMIUM, args=driver.LAUNCH_ARGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where a test's screenshots and downloaded documents go: ``$E2E_SCREENSHOTS`` when set."""
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def user(live, page, shots):
    """A person at the browser, on the live server."""
    from tests.browser.driver import User

    return User(page, live[2], shots)
