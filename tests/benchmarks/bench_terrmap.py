"""Territories map benchmark (issue 13): ``/map/territories`` for the région with most CPTS.

Set-up: as ``bench_ars`` (every commune of France in the open-data pack, metropolitan and
overseas, with populations and 1 000 generated CPTS of 35 communes, neighbours sometimes sharing
communes; without the pack a grid of generated communes in one région); then the busiest région
(≈ 142 CPTS) is topped up with CPTS grown the same way from its own communes until it holds 150,
the issue's figure.

Measured through real HTTP (waitress in a thread): the HTML size of the page and its server
latency; then in Debian's Chromium, five fresh loads, each timed from navigation to a usable
map: Leaflet's map created, every territory layer added (their paths drawn) and the labels laid
out (``performance.now()`` at that moment, i.e. since navigation start: the server's time
included), and the part spent in the browser once the page was received.

The page is kept by the page cache for visitors without a session (``mapper.http.pagecache``),
so each figure is taken twice: as a visitor gets it from the cache, and as the first visitor after
a write gets it (a no-op update of a CPTS gives the data a new version before each load: the
server builds the page again).

Targets: ≤ 1,5 MB of HTML and usable in ≤ 2 s, cached or not.
"""
from __future__ import annotations

import statistics
from pathlib import Path

import requests
from sqlalchemy import text

from tests.benchmarks.bench_ars import _load
from tests.benchmarks.bench_territories import GROUP, store_measures

CHROMIUM = "/usr/bin/chromium"
#: The issue's figure: a région with 150 CPTS.
REGION_CPTS = 150
LOADS = 5
USABLE = """() => {
  const pane = document.querySelector('.leaflet-overlay-pane');
  return pane !== null && pane.querySelectorAll('path').length > 0
    && document.querySelector('.cpts-arranged[data-cpts-labels]') !== null;
}"""


def _write(db) -> None:
    """A write the page reads: the next visitor's page is built again."""
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE cpts SET name = name WHERE id = (SELECT min(id) FROM cpts)"))


def _browser_times(url: str, report, before=None) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    times, after = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for _ in range(LOADS):
                if before:
                    before()
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.goto(url, wait_until="commit")
                page.wait_for_function(USABLE, timeout=60_000, polling=20)
                now, received = page.evaluate(
                    "() => [performance.now(),"
                    " performance.getEntriesByType('navigation')[0].responseEnd]")
                times.append(now)
                after.append(now - received)
                shown = page.locator(".cpts-territory-label:not(.cpts-label-hidden)").count()
                context.close()
        finally:
            browser.close()
    report.note(f"labels shown at the opening zoom: {shown}")
    return times, after


def _read_model(report, db, region: str) -> None:
    """The read model's parts alone (no HTTP), to see where the time goes."""
    from mapper.config import Settings
    from mapper.services.pages import territory_map as tm
    from mapper.services.territories import overlap_areas as oa
    from mapper.services.territories.pairs import overlap_pairs
    from tests.benchmarks.run import timed

    settings = Settings()
    with db.session_scope() as session:
        ids = list(session.scalars(text("SELECT id FROM cpts WHERE region = :r"), {"r": region}))
        parts = {"territories (outlines, labels, colours)":
                 lambda: tm._territories(session, *tm._area(region, None, None)),
                 "overlap pairs": lambda: overlap_pairs(session, settings, region=region),
                 "overlap areas of communes": lambda: oa.commune_pieces(session, ids),
                 "adjacency": lambda: oa.adjacency(session, ids),
                 "whole read model": lambda: tm.territory_map(session, settings, region=region)}
        for name, fn in parts.items():
            report.record_latencies(f"{name} (no HTTP)", timed(fn, 5, warmup=1))


def _fill_region(db, region: str, have: int) -> int:
    """CPTS added in ``region`` until it holds ``REGION_CPTS``, grown as ``bench_territories``
    grows them (a seed commune of the région and its ``GROUP`` nearest communes of the région,
    status 'projet', same cached measures). Returns the région's count."""
    missing = REGION_CPTS - have
    if missing <= 0:
        return have
    with db.session_scope() as session:
        session.execute(text("""
            CREATE TEMP TABLE rpts ON COMMIT DROP AS
              SELECT code, ST_PointOnSurface(geom) AS p FROM commune WHERE region = ':region';
            CREATE INDEX ON rpts USING gist (p);
            ANALYZE rpts;
            CREATE TEMP TABLE rseeds ON COMMIT DROP AS
              SELECT code, p, row_number() OVER (ORDER BY md5(code || 'terrmap')) AS n
              FROM rpts ORDER BY md5(code || 'terrmap') LIMIT :n;
            INSERT INTO cpts (name, slug, status, territory_kind)
              SELECT 'CPTS terrmap ' || n, 'cpts-terrmap-' || n, 'projet', 'communes'
              FROM rseeds;
            INSERT INTO cpts_commune (cpts_id, commune_code)
              SELECT k.id, nn.code FROM rseeds s
              JOIN cpts k ON k.slug = 'cpts-terrmap-' || s.n
              CROSS JOIN LATERAL (SELECT code FROM rpts ORDER BY rpts.p <-> s.p LIMIT :group) nn;
        """.replace(":region", region).replace(":n", str(missing))
            .replace(":group", str(GROUP))))
        ids = list(session.scalars(text("SELECT id FROM cpts WHERE slug LIKE 'cpts-terrmap-%'")))
        store_measures(session, ids)
        session.execute(text("ANALYZE"))
        return session.execute(text("SELECT count(*) FROM cpts WHERE region = :r"),
                               {"r": region}).scalar()


def run(report) -> None:
    from tests.benchmarks.run import BenchServer, timed

    url, db = _load(report)
    with db.session_scope() as session:
        region, n = session.execute(text(
            "SELECT region, count(*) FROM cpts GROUP BY region ORDER BY count(*) DESC LIMIT 1"
        )).one()
    report.note(f"busiest région {region}: {n} CPTS generated")
    generated, n = n, _fill_region(db, region, n)
    report.note(f"busiest région {region}: {n} CPTS measured"
                + (f" (topped up to {REGION_CPTS})" if n > generated else ""))
    _read_model(report, db, region)
    server = BenchServer(url)
    path = f"/map/territories?region={region}"
    try:
        http = requests.Session()
        html = http.get(server.url + path).text
        areas = html.count('"cl":[')
        report.note(f"{path}: {areas} overlap areas")
        report.record(f"{path} HTML size ({n} CPTS)", len(html.encode()) / 1_000_000, "MB", 1.5)
        report.record_latencies(f"GET {path} (HTTP, page cache)",
                                timed(lambda: http.get(server.url + path).text, 10, warmup=1))

        def after_a_write():
            _write(db)
            return http.get(server.url + path).text

        report.record_latencies(f"GET {path} (HTTP, first visit after a write)",
                                timed(after_a_write, 10, warmup=1))
        if not Path(CHROMIUM).exists():
            report.note("no Chromium: the time to a usable map is not measured")
            return
        for label, before in (("page cache", None), ("first visit after a write",
                                                     lambda: _write(db))):
            times, after = _browser_times(server.url + path, report, before)
            report.record(f"{path} usable in Chromium ({label}), median of {LOADS}",
                          statistics.median(times), "ms", 2000)
            report.record(f"{path} usable in Chromium ({label}), worst of {LOADS}", max(times),
                          "ms", 2000)
            report.record(f"{path} in the browser once received ({label}), median of {LOADS}",
                          statistics.median(after), "ms")
    finally:
        server.close()
        db.engine.dispose()
