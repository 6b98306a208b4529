"""A revalidated widget in Chromium: the reload gets a ``304`` (the browser keeps its stored
page) and the page still works — its scripts run under the stored CSP, whose nonce is the
stored page's, because a 304 carries no ``Content-Security-Policy`` of its own."""
from __future__ import annotations

import pytest

from mapper import create_app
from mapper.db import get_db
from tests.support import make_settings
from tests.web.conftest import seed

pytestmark = pytest.mark.browser


class Recorder:
    """WSGI middleware: the status of every response the server sent, by path."""

    def __init__(self, app) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]

        def start(status, headers, exc_info=None):
            self.seen.append((path, status.split()[0]))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    app = create_app(make_settings(database_factory("condbrowser")))
    with get_db(app).session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("condbrowser"))
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder
    return live_server_factory(app), recorder, world


def _works(page) -> None:
    """The page's nonce'd inline script built the Leaflet map and its markers."""
    page.locator(".leaflet-container .leaflet-marker-icon, .leaflet-container .marker-cluster"
                 ).first.wait_for(timeout=10_000)
    assert page.evaluate("() => typeof L === 'object' && !!document.querySelector("
                         "'.leaflet-container .leaflet-tile-pane')")


@pytest.fixture()
def caching_page(browser):
    """A page with Chromium's HTTP cache on: no request interception (Playwright turns the cache
    off when routes are set, so the PageGuard of other tests cannot be used); errors and
    requests leaving 127.0.0.1 are recorded."""
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            or problems.append(f"foreign request {r.url}"))
    yield page, problems
    context.close()


def test_a_reloaded_widget_is_revalidated_and_still_works(site, caching_page):
    server, recorder, world = site
    page, problems = caching_page
    url = f"{server.url}/embed/cpts/{world.slugs['sud']}"
    for _ in range(3):  # a minute boundary between the two loads moves the tag: try again
        recorder.seen.clear()
        first = page.goto(url)
        assert first.status == 200 and first.headers.get("etag")
        _works(page)
        page.reload()
        _works(page)
        statuses = [s for p, s in recorder.seen if p == f"/embed/cpts/{world.slugs['sud']}"]
        if statuses == ["200", "304"]:
            break
    assert statuses == ["200", "304"], recorder.seen
    # the page shown is the stored one, its nonce matching the stored policy
    nonce = page.evaluate("() => document.querySelector('script[nonce]').nonce")
    assert nonce and page.evaluate("() => document.querySelectorAll('script[nonce]').length") > 0
    assert not problems, problems  # no CSP violation, no script error
