"""Shared fixtures: a real PostGIS for every test.

A session fixture starts a throwaway cluster with the project's own embedded manager (or uses
``MAPPER_TEST_DATABASE_URL``) and migrates it once. Each test runs inside a transaction that is
rolled back at teardown (sessions join it with ``create_savepoint``), so tests never see each
other's rows. Tests that need committed data from several connections (races, live servers) ask
for ``fresh_database`` instead: a new migrated database of their own.
"""
from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mapper import create_app
from mapper.config import get_settings
from mapper.db import get_db
from mapper.migrate import upgrade

from .support import make_settings

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("MAPPER_SHARED_DATA", REPO.parent / "shared" / "data"))


def pytest_collection_modifyitems(config, items):
    if os.environ.get("MAPPER_LIVE_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="reaches the internet: set MAPPER_LIVE_TESTS=1")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_cluster():
    """The embedded manager on a temporary folder; None when an external URL is given."""
    if os.environ.get("MAPPER_TEST_DATABASE_URL"):
        yield None
        return
    from mapper.embedded import EmbeddedCluster

    root = Path(tempfile.mkdtemp(prefix="mapper-test-pg-"))
    root.chmod(0o755)  # the server user (postgres when we are root) must traverse it
    cluster = EmbeddedCluster(root / "pg", fast_and_unsafe=True)
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def database_url(pg_cluster) -> str:
    url = os.environ.get("MAPPER_TEST_DATABASE_URL") or pg_cluster.url
    upgrade(url)
    return url


_db_counter = itertools.count(1)


@pytest.fixture(scope="session")
def database_factory(pg_cluster, database_url):
    """Create further migrated databases, committed for real (races, live servers)."""
    created: list[str] = []

    def make(prefix: str = "t") -> str:
        name = f"mapper_{prefix}_{os.getpid()}_{next(_db_counter)}"
        if pg_cluster is not None:
            url = pg_cluster.create_database(name)
        else:
            admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        created.append(url)
        return url

    return make


@pytest.fixture()
def fresh_database(database_factory) -> str:
    return database_factory()


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(make_settings(database_url))
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="session")
def settings(app):
    """The settings of the test application (services take them explicitly)."""
    return get_settings(app)


@pytest.fixture()
def connection(app):
    """The outer transaction of one test; everything is rolled back afterwards."""
    db = get_db(app)
    conn = db.engine.connect()
    trans = conn.begin()
    db.bind_to_connection(conn)
    try:
        yield conn
    finally:
        db.unbind()
        trans.rollback()
        conn.close()


@pytest.fixture(scope="module")
def module_connection(app):
    """A transaction for a whole module, rolled back at its end: a module that builds its world
    once writes it here and overrides ``connection`` with ``savepoint_of`` (tests/support.py)."""
    conn = get_db(app).engine.connect()
    trans = conn.begin()
    try:
        yield conn
    finally:
        trans.rollback()
        conn.close()


@pytest.fixture()
def session(app, connection):
    s = get_db(app).sessionmaker()
    yield s
    s.close()


@pytest.fixture()
def client(app, connection):
    return app.test_client()


@pytest.fixture()
def accounts(session):
    """``accounts("ars", regions=["93"])`` → (account, token), stored in the test transaction."""
    from mapper.services.accounts import create_account

    counter = itertools.count(1)

    def make(role: str = "admin", **scope):
        email = scope.pop("email", None) or f"{role}{next(counter)}@example.org"
        account, token = create_account(session, email=email, role=role, actor="test", **scope)
        session.commit()
        return account, token

    return make


#: The CSRF secret the ``sign_in`` fixture puts in the session (forms post it as csrf_token).
CSRF_TOKEN = "test-csrf-token"


@pytest.fixture()
def sign_in(client, session, accounts):
    """``sign_in("ars", regions=["11"])`` → the account, signed in on ``client`` (a server-side
    session opened and its cookie set as the sign-in page does; the flow has its own tests),
    with the CSRF secret ``CSRF_TOKEN``."""

    def make(role: str, **scope):
        from mapper.services.accounts.sessions import open_session

        account, _ = accounts(role, **scope)
        token = open_session(session, account)
        session.commit()
        with client.session_transaction() as cookie:
            cookie["sid"] = token
            cookie["csrf"] = CSRF_TOKEN
        return account

    return make


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real open data not present at {SHARED_DATA}")
    return SHARED_DATA


# -- live servers and the browser ---------------------------------------------------------------
CHROMIUM = os.environ.get("MAPPER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class LiveServer:
    """A real HTTP server on 127.0.0.1 (werkzeug, threaded) serving one WSGI app in a thread."""

    def __init__(self, wsgi_app) -> None:
        import threading

        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.origin = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def live_server_factory():
    """``live_server_factory(app_or_wsgi)`` → LiveServer; all closed at the end of the session."""
    servers: list[LiveServer] = []

    def make(wsgi_app) -> LiveServer:
        server = LiveServer(wsgi_app)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageGuard:
    """Records console errors, page errors, dialogs (alert = XSS) and requests leaving 127.0.0.1;
    requests to other hosts are aborted, never sent."""

    def __init__(self, page) -> None:
        from urllib.parse import urlsplit

        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

        def on_dialog(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def route(r):
            url = r.request.url
            host = urlsplit(url).hostname
            if url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
                r.continue_()
            else:
                self.foreign_requests.append(url)
                r.abort()

        page.route("**/*", route)

    def assert_clean(self) -> None:
        assert not self.page_errors, self.page_errors
        assert not self.dialogs, self.dialogs
        assert not self.foreign_requests, self.foreign_requests
        assert not self.console_errors, self.console_errors


@pytest.fixture()
def guarded_page(browser):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    guard = PageGuard(page)
    yield page, guard
    context.close()
