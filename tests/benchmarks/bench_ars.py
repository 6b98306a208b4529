"""ARS review queue benchmark (issue 13).

Set-up: every commune of France in the open-data pack (metropolitan and overseas) with
populations, and 1 000 generated CPTS (``bench_territories``: contiguous groups of 35 communes
grown from random seeds, so that neighbours sometimes share communes; a greedy non-overlapping
subset validated). Without the pack, a grid of generated communes and as many CPTS in one
région.

Measured through real HTTP (waitress in a thread, one keep-alive connection, signed in as an
ARS officer of every région through the sign-in page): ``/ars`` for the région with the most
CPTS (HTML size and latency), its last page, and the page of an overlapping project.

Targets: ``/ars`` ≤ 300 KB of HTML and p95 ≤ 300 ms.
"""
from __future__ import annotations

import re
import time

import requests
from sqlalchemy import text

from tests.benchmarks.bench_territories import GROUP, N_CPTS, _generate

PASSWORD = "correct horse battery staple"
REPEAT = 100


def _load(report):
    from mapper.db import Database
    from mapper.imports.communes import import_communes_file
    from mapper.imports.population import import_population_file

    url = report.new_database("ars")
    db = Database(url, 3_600_000)
    t0 = time.perf_counter()
    if report.shared_data is not None:
        # Every commune of France: metropolitan France's file, then each overseas département's.
        folder = report.shared_data / "communes"
        for path in [folder / "communes-france-metropole.geojson",
                     *sorted(folder.glob("communes-97*.geojson"))]:
            with db.session_scope() as session:
                import_communes_file(session, path, population_year=2023)
        with db.session_scope() as session:
            import_population_file(session, report.shared_data / "communes_population.csv",
                                   2023)
    else:
        _grid(report, db)
    _generate(db)
    report.note(f"set-up: communes and {N_CPTS} CPTS of {GROUP} communes in "
                f"{time.perf_counter() - t0:.1f} s")
    return url, db


def _grid(report, db) -> None:
    """180×180 square communes in région 93 when the open-data pack is missing."""
    from mapper.imports.communes import import_communes_file
    from tests.factories.geo import grid_communes, write_geojson
    import tempfile
    from pathlib import Path

    path = write_geojson(Path(tempfile.mkdtemp()) / "grid.geojson",
                         grid_communes("13", (4.0, 43.0), 180, 0.01))
    with db.session_scope() as session:
        import_communes_file(session, path, population_year=2023)
    report.note("no open-data pack: 32 400 generated communes in région 93")


def _signed_in(db, base: str) -> requests.Session:
    from mapper.auth.passwords import hash_password
    from mapper.reference import REGIONS
    from mapper.services.accounts import create_account

    with db.session_scope() as session:
        account, _ = create_account(session, email="ars-bench@example.org", role="ars",
                                    actor="bench", regions=list(REGIONS))
        account.password_hash = hash_password(PASSWORD)
    browser = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      browser.get(f"{base}/connexion").text).group(1)
    resp = browser.post(f"{base}/connexion", allow_redirects=False,
                        data={"email": "ars-bench@example.org", "password": PASSWORD,
                              "csrf_token": token})
    assert resp.status_code == 302, resp.text[:300]
    return browser


def _read_model(report, db, region: str) -> None:
    """The queue's read model alone (its two statements and the Python around them)."""
    from mapper.config import Settings
    from mapper.services.pages import ars_queue
    from tests.benchmarks.run import timed

    settings = Settings()
    params = {"region": region, "min_km2": settings.overlap_min_km2,
              "min_share": settings.overlap_min_share}
    with db.session_scope() as session:
        # The pairs statement also takes the drawn territories over IRIS found before it.
        pairs = {**params, **ars_queue._drawn_on_iris(session, region, settings)}
        for name, statement, values in (("rows", ars_queue._ROWS, params),
                                         ("pairs", ars_queue._PAIRS, pairs)):
            report.record_latencies(f"queue statement {name} (SQL)", timed(
                lambda statement=statement, values=values: session.execute(
                    statement, values).all(), 30))
        report.record_latencies("review_queue read model (no HTTP)", timed(
            lambda: ars_queue.review_queue(session, region, ars_queue.QueueFilters(),
                                           settings), 30))


def run(report) -> None:
    from tests.benchmarks.run import BenchServer, timed

    url, db = _load(report)
    with db.session_scope() as session:
        region, n, projects = session.execute(text("""
            SELECT region, count(*), count(*) FILTER (WHERE status = 'projet') FROM cpts
            GROUP BY region ORDER BY count(*) DESC LIMIT 1""")).one()
    report.note(f"busiest région {region}: {n} CPTS, {projects} projects")
    _read_model(report, db, region)
    server = BenchServer(url, session_cookie_secure=False)  # plain HTTP on 127.0.0.1
    try:
        browser = _signed_in(db, server.url)

        def get(path: str) -> str:
            resp = browser.get(f"{server.url}{path}", allow_redirects=False)
            assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
            return resp.text

        html = get(f"/ars?region={region}")
        report.record(f"/ars?region={region} HTML size", len(html.encode()) / 1024, "KB", 300)
        report.record_latencies(f"GET /ars?region={region} ({n} CPTS) (HTTP)",
                                timed(lambda: get(f"/ars?region={region}"), REPEAT), 300)
        pages = re.search(r"page 1 sur (\d+)", html)
        last = int(pages.group(1)) if pages else 1
        report.record_latencies(f"GET /ars?region={region}&page={last} (HTTP)",
                                timed(lambda: get(f"/ars?region={region}&page={last}"), 50))
        first = re.search(r'class="queue-link" href="([^"]+)"', html).group(1)
        page = get(first)
        report.record(f"project page {first} HTML size", len(page.encode()) / 1024, "KB")
        report.record_latencies(f"GET {first} (HTTP)", timed(lambda: get(first), 50))
    finally:
        server.close()
        db.engine.dispose()
