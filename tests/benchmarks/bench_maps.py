"""Maps benchmark (issue 5).

Two CPTS over a ~20 × 14 km drawn territory around Paris: one with 5 000 members, one with
50 000 (generated set-based, like the directory benchmark: professions in realistic shares, 30 %
with a competency, 15 % with a slot, 20 % with an intervention zone, a third not verified for
six months).

* ``GET /map/cpts/<5k>`` over HTTP (waitress, as ``mapper serve``): the whole page — directory
  query, marker building, Folium rendering, template — p95 ≤ 1 s, HTML ≤ 2 MB. Each measured
  request follows a write (``touch``): the page cache (``mapper.http.pagecache``) misses and
  the server builds the page. The same page from the cache is reported beside it (its p95
  may be a build: the cache key holds the minute, and a request in a new minute misses).
* ``/map/cpts/<50k>`` in headless Chromium (Debian's): **interactive** = from the start of the
  navigation until (1) clusters are drawn, (2) chunked loading has put all 50 000 markers in
  the cluster group, and (3) unticking a profession in the layer control has removed its markers
  and the map has redrawn its clusters. Target ≤ 3 s (issue 16; issue 5 asked for 5), for a
  first visit: each measured visit in a new browser context (no HTTP cache), the median of
  three recorded. The server's page cache is warm (the page was built once since the data last
  changed), as for every visitor but the first after a change; the first visit after a write
  is measured too, without a target of its own.
"""
from __future__ import annotations

import http.client
import os
import statistics
import time

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.run import BenchServer, profession_case

N_SMALL = 5_000
N_LARGE = 50_000
REQUESTS = 20
CHROMIUM = os.environ.get("MAPPER_CHROMIUM", "/usr/bin/chromium")
BOX = (2.22, 48.80, 2.48, 48.93)  # lon0, lat0, lon1, lat1
PROFESSIONS = [("60", 0.27), ("10", 0.22), ("70", 0.12), ("21", 0.08), ("40", 0.06),
               ("psychologue", 0.08), ("50", 0.04), ("91", 0.05), ("80", 0.03), ("92", 0.02),
               ("26", 0.03)]



def generate(db: Database, sizes: dict[str, int] | None = None) -> list[str]:
    """CPTS named by slug with that many members each (members 1..n of one generated
    population, so the smaller CPTS's members are also the larger's)."""
    sizes = sizes or {"bench-5k": N_SMALL, "bench-50k": N_LARGE}
    total = max(sizes.values())
    x0, y0, x1, y1 = BOX
    with db.session_scope() as s:
        s.execute(text("SELECT setseed(0.5)"))
        box = f"ST_Multi(ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, 4326))"
        ids = {}
        for slug in sizes:
            ids[slug] = s.execute(text(f"""
                INSERT INTO cpts (name, slug, status, region, website, territory_kind, geom,
                                  embed_origins)
                VALUES (:name, :slug, 'projet', '11', 'https://example.org', 'drawn', {box},
                        '{{}}') RETURNING id"""), {"name": f"CPTS {slug}", "slug": slug}).scalar_one()
        s.execute(text(f"""
            CREATE TEMP TABLE gen AS
            SELECT n, random() AS r, random() AS r2,
                   ST_SetSRID(ST_MakePoint({x0} + random() * {x1 - x0},
                                           {y0} + random() * {y1 - y0}), 4326) AS pt
            FROM generate_series(1, {total}) n"""))
        s.execute(text(f"""
            INSERT INTO professional (id, first_name, last_name, profession_code,
                                      accepts_new_patients, home_visits, teleconsultation,
                                      languages, public_email, phone, source, last_verified_at)
            SELECT n, 'Prénom' || (n % 997), 'NOM' || n, {profession_case(PROFESSIONS)},
                   CASE WHEN r2 < 0.4 THEN true WHEN r2 < 0.8 THEN false END, r2 < 0.3, false,
                   '{{fr}}'::varchar[], false, '01' || lpad(n::text, 8, '0'), 'api',
                   now() - (r2 * interval '300 days')
            FROM gen"""))
        s.execute(text("SELECT setval(pg_get_serial_sequence('professional', 'id'), "
                       "(SELECT max(id) FROM professional))"))
        s.execute(text("""
            INSERT INTO practice_site (professional_id, address, postcode, commune_code,
                                       commune_name, address_key, geom, geocode_source,
                                       geocode_status, precision, source)
            SELECT n, n || ' rue de la Carte', '75014', '75114', 'Paris 14e',
                   n || ' rue de la carte', pt, 'given', 'ok', 'address', 'api' FROM gen"""))
        s.execute(text("""
            INSERT INTO intervention_zone (professional_id, kind, radius_km, geom)
            SELECT n, 'radius', 2, ST_Multi(ST_Buffer(pt::geography, 2000, 'quad_segs=4')::geometry)
            FROM gen WHERE n % 5 = 0"""))
        s.execute(text("""
            INSERT INTO professional_competency (professional_id, competency_id)
            SELECT n, c.id FROM gen JOIN competency c ON c.id = 1 + (n % 10) WHERE r < 0.3"""))
        s.execute(text("""
            INSERT INTO slot (professional_id, weekday, start_time, end_time, kind)
            SELECT n, 1 + (n % 7), time '08:00' + (n % 10) * interval '1 hour',
                   time '12:00' + (n % 10) * interval '1 hour', 'snp' FROM gen WHERE r2 < 0.15"""))
        for slug, n in sizes.items():
            s.execute(text("INSERT INTO cpts_member (cpts_id, professional_id) "
                           "SELECT :cpts, n FROM gen WHERE n <= :n"), {"cpts": ids[slug], "n": n})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return list(sizes)




def touch(db: Database, slug: str) -> None:
    """A write the map reads (a no-op update of its CPTS): a new data version, so that the
    next request builds the page again."""
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE cpts SET name = name WHERE slug = :slug"), {"slug": slug})


def bench_http(report, server: BenchServer, db: Database, slug: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

    def get() -> bytes:
        conn.request("GET", f"/map/cpts/{slug}")
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200, body[:300]
        return body

    for _ in range(3):
        body = get()
    built, cached = [], []
    for _ in range(REQUESTS):
        touch(db, slug)
        for samples in (built, cached):
            t0 = time.perf_counter()
            body = get()
            samples.append((time.perf_counter() - t0) * 1000)
    conn.close()
    assert body.count(b'"i":') == N_SMALL, "every member is on the map"
    report.record_latencies("HTTP GET /map/cpts (5 000 professionals), built", built, 1000)
    report.record_latencies("HTTP GET /map/cpts (5 000 professionals), from the page cache",
                            cached)
    report.record("HTML size (5 000 professionals)", len(body) / 1e6, "MB", 2)


def bench_split(report, db: Database, slug: str) -> None:
    """Where the time goes for one 5 000-member page (informational)."""
    from mapper.config import Settings
    from mapper.maps import build_orientation_map, render_parts
    from mapper.schemas.orientation import OrientationParams as MapFilters
    from mapper.services.pages.orientation import orientation_map

    settings = Settings()
    with db.session_scope() as s:
        orientation_map(s, slug, MapFilters(), settings, zone_url_template="/z/{id}")
        t0 = time.perf_counter()
        data = orientation_map(s, slug, MapFilters(), settings, zone_url_template="/z/{id}")
        t1 = time.perf_counter()
        render_parts(build_orientation_map(data.markers, boundary=data.boundary),
                     "benchNonce123")
        t2 = time.perf_counter()
    report.record("service orientation_map (5 000)", (t1 - t0) * 1000, "ms")
    report.record("build + render the Folium map (5 000)", (t2 - t1) * 1000, "ms")


INTERACTIVE_JS = """() => {
  const w = window;
  let map = null, group = null;
  for (const k of Object.keys(w)) {
    const v = w[k];
    if (!v) continue;
    if (v instanceof L.Map) map = v;
    if (L.CptsClusterGroup && v instanceof L.CptsClusterGroup) group = v;
  }
  w.__bench = {map, group};
  return Boolean(map && group);
}"""


#: Visits measured (each a first visit); the median is recorded.
VISITS = 3
#: Issue 16: a 50 000-member map interactive in Chromium in 3 s (issue 5 asked for 5).
INTERACTIVE_TARGET_S = 3


def _page(browser, errors: list[str]):
    # French labels: the layer is picked by its French name
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    return page


def _visit(page, url: str) -> dict:
    """One visit: navigation start to clusters drawn, all markers clustered, and a profession
    unticked in the layer control with the clusters redrawn (ms; interactive in s)."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(".marker-cluster", timeout=60_000)
    t_clusters = time.perf_counter()
    assert page.evaluate(INTERACTIVE_JS)
    page.wait_for_function(
        f"() => window.__bench.group.getLayers().length === {N_LARGE}", timeout=60_000,
        polling=50)
    t_loaded = time.perf_counter()
    page.click(".cpts-panel-toggle")  # the layers sit behind the legend button
    box = page.locator(".leaflet-control-layers-overlays label",
                       has_text="Infirmier").locator("input")
    box.uncheck()
    page.wait_for_function(
        f"() => window.__bench.group.getLayers().length < {N_LARGE}"
        " && document.querySelector('.marker-cluster')", timeout=60_000, polling=50)
    t_toggled = time.perf_counter()
    nav = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                        " return {response: n.responseEnd, dcl: n.domContentLoadedEventEnd}; }")
    return {**nav, "clusters": (t_clusters - t0) * 1000, "loaded": (t_loaded - t0) * 1000,
            "interactive": t_toggled - t0}


def bench_browser(report, server: BenchServer, db: Database, slug: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-dev-shm-usage"])
        errors: list[str] = []
        # the warm-up fills the server's caches (statistics, connections), not the browser's:
        # each measured visit is a first visit, in a new context (no HTTP cache, no ETag)
        page = _page(browser, errors)
        page.goto(f"{server.url}/map/cpts/{slug}?page=1", wait_until="commit")
        page.wait_for_selector(".marker-cluster", timeout=60_000)
        page.context.close()
        after_write = []
        for _ in range(VISITS):
            touch(db, slug)
            page = _page(browser, errors)
            after_write.append(_visit(page, f"{server.url}/map/cpts/{slug}")["interactive"])
            page.context.close()
        page = _page(browser, errors)  # the page cache holds the page again
        page.goto(f"{server.url}/map/cpts/{slug}?page=1", wait_until="commit")
        page.wait_for_selector(".marker-cluster", timeout=60_000)
        page.context.close()
        visits = []
        for attempt in range(VISITS):
            page = _page(browser, errors)
            visits.append(_visit(page, f"{server.url}/map/cpts/{slug}"))
            if attempt < VISITS - 1:
                page.context.close()
        html_mb = page.evaluate("() => document.documentElement.outerHTML.length") / 1e6
        browser.close()
    errors = [e for e in errors if "favicon.ico" not in e and "status of 404" not in e]
    assert not errors, errors
    nav = sorted(visits, key=lambda v: v["interactive"])[len(visits) // 2]  # the median visit
    report.note("first visits (new browser context each), interactive: "
                + ", ".join(f"{v['interactive']:.2f} s" for v in visits))
    report.record("Chromium 50 000: HTML received (server + transfer)", nav["response"], "ms")
    report.record("Chromium 50 000: DOMContentLoaded", nav["dcl"], "ms")
    report.record("Chromium 50 000: clusters drawn", nav["clusters"], "ms")
    report.record("Chromium 50 000: all markers clustered", nav["loaded"], "ms")
    report.record("Chromium 50 000: interactive (clusters + layer toggle done), first visit, "
                  "median", nav["interactive"], "s", INTERACTIVE_TARGET_S)
    report.record("Chromium 50 000: interactive, first visit after a write (the server builds "
                  "the page), median", statistics.median(after_write), "s")
    report.note(f"50 000-member page: {html_mb:.1f} MB of HTML (DOM size after load)")


def run(report) -> None:
    url = report.new_database()
    db = Database(url, 600_000)
    t0 = time.perf_counter()
    generate(db)
    slugs = {"small": "bench-5k", "large": "bench-50k"}
    report.note(f"{N_LARGE} professionals generated in {time.perf_counter() - t0:.1f} s")
    server = BenchServer(url)
    try:
        bench_split(report, db, slugs["small"])
        bench_http(report, server, db, slugs["small"])
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        conn.request("GET", f"/map/cpts/{slugs['large']}")
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        report.record("HTTP GET /map/cpts (50 000 professionals)",
                      (time.perf_counter() - t0) * 1000, "ms")
        report.record("HTML size (50 000 professionals)", len(body) / 1e6, "MB")
        bench_browser(report, server, db, slugs["large"])
    finally:
        server.close()
        db.engine.dispose()
