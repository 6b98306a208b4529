"""The orientation map's cost follows the CPTS, not the directory (issue 16).

Two databases, side by side in one run: the maps benchmark's 5 000-member CPTS around Paris
(``bench_maps.generate``) in a directory of 200 000 professionals, and the same CPTS in a
directory of 2 000 000 (the others spread over metropolitan France, with sites, intervention
zones, competencies and slots in the maps benchmark's proportions). Each database is served by
its own server (waitress, ``BenchServer``); ``GET /map/cpts/<slug>`` alternates between the
two, one keep-alive connection each. Each measured request follows a write (``touch``, not
timed), so the page cache misses and the server builds the page: the cost measured is the
member query's and the page's, not the cache's.

Target: the median with 2 000 000 within 20 % of the median with 200 000.
"""
from __future__ import annotations

import http.client
import statistics
import time

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.bench_directory import SCALE, SPATIAL_INDEXES
from tests.benchmarks.bench_maps import generate, touch
from tests.benchmarks.run import BenchServer, profession_case

MEMBERS = 5_000
SIZES = (int(200_000 * SCALE), int(2_000_000 * SCALE))
REQUESTS = 25
SLUG = "bench-5k"
#: Metropolitan France, roughly (lon/lat).
FRANCE = (-4.5, 42.5, 7.5, 51.0)


def _others(db: Database, n: int) -> None:
    """``n`` professionals who are members of no CPTS, ids after the CPTS's, spread uniformly
    over metropolitan France; spatial indexes dropped while inserting, then rebuilt."""
    x0, y0, x1, y1 = FRANCE
    with db.session_scope() as s:
        s.execute(text("SET LOCAL work_mem = '512MB'"))
        s.execute(text("SELECT setseed(0.16)"))
        for index in ("idx_practice_site_geog", "idx_practice_site_profession_geog",
                      "idx_practice_site_geom", "idx_intervention_zone_geom"):
            s.execute(text(f"DROP INDEX {index}"))
        s.execute(text(f"""
            CREATE TEMP TABLE other AS
            SELECT {MEMBERS} + n AS n, random() AS r, random() AS r2,
                   ST_SetSRID(ST_MakePoint({x0} + random() * {x1 - x0},
                                           {y0} + random() * {y1 - y0}), 4326) AS pt
            FROM generate_series(1, :n) n"""), {"n": n})
        s.execute(text(f"""
            INSERT INTO professional (id, first_name, last_name, profession_code,
                                      accepts_new_patients, home_visits, languages, phone,
                                      source, last_verified_at)
            SELECT n, 'Prénom' || (n % 997), 'NOM' || n, {profession_case()}, r2 < 0.4,
                   r2 < 0.3, '{{fr}}'::varchar[], '01' || lpad((n % 100000000)::text, 8, '0'),
                   'api', now() - (r2 * interval '300 days')
            FROM other"""))
        s.execute(text("SELECT setval(pg_get_serial_sequence('professional', 'id'), "
                       "(SELECT max(id) FROM professional))"))
        s.execute(text("""
            INSERT INTO practice_site (professional_id, profession_code, address, address_key,
                                       geom, geocode_source, geocode_status, precision, source)
            SELECT o.n, p.profession_code, o.n || ' rue Ailleurs', o.n || ' rue ailleurs',
                   o.pt, 'given', 'ok', 'address', 'api'
            FROM other o JOIN professional p ON p.id = o.n"""))
        s.execute(text("""
            INSERT INTO intervention_zone (professional_id, kind, radius_km, geom)
            SELECT n, 'radius', 2,
                   ST_Multi(ST_Buffer(pt::geography, 2000, 'quad_segs=4')::geometry)
            FROM other WHERE n % 5 = 0"""))
        s.execute(text("""
            INSERT INTO professional_competency (professional_id, competency_id)
            SELECT n, c.id FROM other JOIN competency c ON c.id = 1 + (n % 10)
            WHERE r < 0.3"""))
        s.execute(text("""
            INSERT INTO slot (professional_id, weekday, start_time, end_time, kind)
            SELECT n, 1 + (n % 7), time '08:00' + (n % 10) * interval '1 hour',
                   time '12:00' + (n % 10) * interval '1 hour', 'snp'
            FROM other WHERE r2 < 0.15"""))
        for sql in SPATIAL_INDEXES:
            s.execute(text(sql))
        s.execute(text("CREATE INDEX idx_intervention_zone_geom ON intervention_zone "
                       "USING gist (geom)"))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _world(report, n: int) -> tuple[BenchServer, Database]:
    t0 = time.perf_counter()
    url = report.new_database(f"oscale_{n}")
    db = Database(url, 3_600_000)
    generate(db, {SLUG: MEMBERS})
    _others(db, n - MEMBERS)
    with db.session_scope() as s:
        total = s.execute(text("SELECT count(*) FROM professional")).scalar_one()
    report.note(f"directory of {total} professionals (a CPTS of {MEMBERS} among them) "
                f"built in {time.perf_counter() - t0:.0f} s")
    return BenchServer(url), db


def _getter(server: BenchServer, db: Database):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)

    def get() -> float:
        touch(db, SLUG)
        t0 = time.perf_counter()
        conn.request("GET", f"/map/cpts/{SLUG}")
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - t0) * 1000
        assert resp.status == 200, body[:300]
        assert body.count(b'"i":') == MEMBERS, "every member is on the map"
        return elapsed

    return conn, get


def run(report) -> None:
    worlds = [_world(report, n) for n in SIZES]
    getters = [_getter(server, db) for server, db in worlds]
    try:
        samples: list[list[float]] = [[] for _ in SIZES]
        for _, get in getters:  # warm up: caches, first plans
            for _ in range(3):
                get()
        for _ in range(REQUESTS):  # interleaved, so that load and noise fall on both alike
            for i, (_, get) in enumerate(getters):
                samples[i].append(get())
        for n, ms in zip(SIZES, samples):
            report.record_latencies(f"HTTP GET /map/cpts ({MEMBERS} members, directory of "
                                    f"{n:,} professionals)", ms)
        ratio = statistics.median(samples[1]) / statistics.median(samples[0])
        report.record(f"median time with {SIZES[1]:,} ÷ with {SIZES[0]:,} professionals",
                      ratio, "×", 1.2)
    finally:
        for conn, _ in getters:
            conn.close()
        for server, db in worlds:
            server.close()
            db.engine.dispose()
