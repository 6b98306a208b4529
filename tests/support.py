"""Small helpers shared by tests (fixtures live in conftest.py)."""
from __future__ import annotations

from contextlib import contextmanager

from mapper.config import Settings
from mapper.db import get_db


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def make_settings(url: str, **overrides) -> Settings:
    base = dict(database_url=url, secret_key="test-secret", session_cookie_secure=False,
                tiles_url=None, ban_base_url="http://127.0.0.1:9/geocodage",
                api_geo_base_url="http://127.0.0.1:9")
    base.update(overrides)
    return Settings(**base)


def assert_problem(resp, status: int) -> dict:
    """The problem+json shape every API error must have; returns the body."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == status
    assert body["type"].startswith("urn:carto-cpts:problem:")
    assert body["title"] and body["detail"]
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text and "SELECT" not in text
    return body


def savepoint_of(app, connection):
    """Bind the app's sessions to ``connection`` inside a savepoint, rolled back afterwards: a
    test's writes vanish while what the connection's transaction holds (a module's world built
    once) stays. A generator, for fixtures: ``yield from savepoint_of(app, conn)``."""
    db = get_db(app)
    savepoint = connection.begin_nested()
    db.bind_to_connection(connection)
    try:
        yield connection
    finally:
        db.unbind()
        if savepoint.is_active:
            savepoint.rollback()


def real_communes_database(url: str, shared_data, departements):
    """A committed database at ``url`` with the real communes of these départements and their
    populations (../shared/data), imported through the real importers."""
    from mapper.db import Database
    from mapper.imports.communes import import_communes_file
    from mapper.imports.population import import_population_file

    db = Database(url, 600_000)
    for dep in departements:
        with db.session_scope() as session:
            report = import_communes_file(session, shared_data / "communes" /
                                          f"communes-{dep}.geojson", population_year=2023)
            assert report.ok, report.lines()
    with db.session_scope() as session:
        import_population_file(session, shared_data / "communes_population.csv", 2023)
    return db


def serious_violations(page, exclude: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical violations on the page (``exclude``: CSS selectors
    left out, such as Leaflet's own controls)."""
    from axe_playwright_python.sync_playwright import Axe

    # Every stylesheet applied first: a sheet still loading leaves colours half-computed
    # (a page's own red button before the site's white text), and axe would judge those.
    page.wait_for_load_state("load")
    context = {"exclude": [[s] for s in exclude]} if exclude else None
    results = Axe().run(page, context=context) if context else Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


#: The password the browser tests give the accounts they sign in with.
PASSWORD = "correct horse battery staple"
#: The two screen sizes every page is tried at: a phone and a desktop.
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def sign_in_with_password(page, url: str, email: str, next_: str = "/ars") -> None:
    """Sign in through the login form, as a person does, and wait for the page it leads to."""
    page.goto(f"{url}/connexion?next={next_}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_load_state()


@contextmanager
def signed_in_page(browser, url: str, email: str, size: str, **options):
    """(page, guard): a page of a new browser context at one of the SIZES (``options``: more
    of the context's, as ``bypass_csp`` for axe-core), signed in with a password, its console
    and requests watched (``conftest.PageGuard``); closed after."""
    from tests.conftest import PageGuard  # conftest imports this module

    width, height = SIZES[size]
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height},
                                  **options)
    try:
        page = context.new_page()
        guard = PageGuard(page)
        sign_in_with_password(page, url, email)
        yield page, guard
    finally:
        context.close()


#: The name of the page's Leaflet map (Folium names it ``map_<hex>``), found in ``window``.
FIND_MAP = """() => { for (const k of Object.keys(window)) { const v = window[k];
  if (k.startsWith('map_') && v instanceof L.Map) return k; } return null; }"""


def map_name(frame) -> str:
    name = frame.evaluate(FIND_MAP)
    assert name, "no Leaflet map on the page"
    return name


def wait_until_idle(frame) -> None:
    """Wait until the map has stopped zooming and panning, then until what follows a move has
    run: the clusters redrawn (on ``moveend``) and an open popup brought into the page's
    viewport (350 ms after it opens). What a person's next tap meets is then where it is drawn."""
    frame.wait_for_function(
        """name => { const m = window[name];
           return m && !m._animatingZoom && !(m._panAnim && m._panAnim._inProgress); }""",
        arg=map_name(frame))
    frame.wait_for_timeout(400)
