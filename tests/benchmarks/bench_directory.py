"""Directory benchmark (issue 4).

1 000 000 generated professionals spread like the population over the communes of the open-data
pack (set-based SQL: ST_GeneratePoints per commune), 200 000 intervention zones, then:

* ``search near + profession + limit 20``: p95 ≤ 5 ms in the service layer, ≤ 25 ms over HTTP;
* ``covers`` (200 000 zones): p95 ≤ 30 ms over HTTP;
* import of a 2 000 000-row generated RPPS file: ≤ 3 minutes (geocoding excluded).

HTTP is a real server (waitress, the production WSGI server of ``mapper serve``) on a local
port, queried through one keep-alive connection. Query points are drawn like the population
(random existing sites, moved by up to ~1 km), professions like their share of the directory.
"""
from __future__ import annotations

import http.client
import importlib.util
import json
import os
import random
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.run import PROFESSION_MIX, BenchServer, profession_case


def _spatial_indexes() -> tuple[str, ...]:
    """The partial GiST indexes exactly as migration 0003 creates them."""
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0003_directory.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SPATIAL_INDEXES


SPATIAL_INDEXES = _spatial_indexes()

#: MAPPER_BENCH_SCALE=0.01 (and MAPPER_BENCH_DEPARTEMENTS=75,92) for a quick smoke run.
SCALE = float(os.environ.get("MAPPER_BENCH_SCALE", "1"))
DEPARTEMENTS = [d for d in os.environ.get("MAPPER_BENCH_DEPARTEMENTS", "").split(",") if d]
N_PROFESSIONALS = int(1_000_000 * SCALE)
N_ZONES = int(200_000 * SCALE)
N_RPPS_ROWS = int(2_000_000 * SCALE)
QUERIES = 400


def load_communes(db: Database, shared: Path, report) -> None:
    from mapper.imports.communes import import_communes_file
    from mapper.imports.population import import_population_file

    t0 = time.perf_counter()
    files = sorted(p for p in (shared / "communes").glob("communes-*.geojson")
                   if p.name != "communes-france-metropole.geojson")
    if DEPARTEMENTS:
        files = [p for p in files if p.stem.split("-", 1)[1] in DEPARTEMENTS]
    for path in files:
        with db.session_scope() as session:
            import_communes_file(session, path, population_year=2023)
    with db.session_scope() as session:
        import_population_file(session, shared / "communes_population.csv", 2023)
    report.note(f"communes loaded in {time.perf_counter() - t0:.0f} s")


def _professionals(s) -> None:
    """Professionals spread like the population (one point each), 5 % with a second site."""
    s.execute(text("SET LOCAL work_mem = '512MB'"))
    s.execute(text("SELECT setseed(0.42)"))
    for index in ("idx_practice_site_geog", "idx_practice_site_profession_geog",
                  "idx_practice_site_geom", "idx_intervention_zone_geom"):
        s.execute(text(f"DROP INDEX {index}"))
    total = s.execute(text("SELECT sum(population) FROM commune WHERE geom IS NOT NULL "
                           "AND population > 0")).scalar_one()
    s.execute(text(f"""
        CREATE TEMP TABLE pts AS
        SELECT row_number() OVER ()::int AS n, d.code, d.pt, random() AS r, random() AS r2
        FROM (SELECT c.code, (ST_Dump(ST_GeneratePoints(c.geom, k.n, 7))).geom AS pt
              FROM commune c,
                   LATERAL (SELECT round(c.population::numeric * {N_PROFESSIONALS}
                                         / {total})::int AS n) k
              WHERE c.geom IS NOT NULL AND k.n > 0) d
    """))
    s.execute(text(f"""
        INSERT INTO professional (id, first_name, last_name, profession_code,
                                  accepts_new_patients, home_visits, languages, accessible,
                                  phone, source, last_verified_at)
        SELECT n, 'Prénom' || (n % 997), 'NOM' || n, {profession_case()},
               r2 < 0.4, r2 < 0.3, CASE WHEN r2 < 0.2 THEN '{{fr,en}}' ELSE '{{fr}}' END::varchar[],
               r2 < 0.5, '01' || lpad((n % 100000000)::text, 8, '0'), 'api',
               now() - (r2 * interval '400 days')
        FROM pts
    """))
    s.execute(text("SELECT setval(pg_get_serial_sequence('professional', 'id'), "
                   "(SELECT max(id) FROM professional))"))
    s.execute(text("""
        INSERT INTO practice_site (professional_id, profession_code, address, postcode,
                                   commune_code, address_key, geom, geocode_source,
                                   geocode_status, precision, source)
        SELECT p.n, pr.profession_code, p.n || ' rue de la Bench', NULL, p.code,
               p.n || ' rue de la bench||' || p.code, p.pt, 'given', 'ok', 'address', 'api'
        FROM pts p JOIN professional pr ON pr.id = p.n
    """))
    # 5 % practise at a second site nearby.
    s.execute(text("""
        INSERT INTO practice_site (professional_id, profession_code, address, commune_code,
                                   address_key, geom, geocode_source, geocode_status,
                                   precision, source)
        SELECT p.n, pr.profession_code, p.n || ' place Seconde', p.code,
               p.n || ' place seconde||' || p.code,
               ST_Translate(p.pt, (random() - 0.5) * 0.02, (random() - 0.5) * 0.02),
               'given', 'ok', 'address', 'api'
        FROM pts p JOIN professional pr ON pr.id = p.n WHERE p.r2 > 0.95
    """))


def _zones_competencies_slots(s) -> None:
    # Intervention zones: 85 % a radius of 2–8 km around the site, 15 % the site's commune.
    s.execute(text(f"""
        INSERT INTO intervention_zone (professional_id, kind, radius_km, geom)
        SELECT p.n, 'radius', 2 + 6 * p.r2,
               ST_Multi(ST_Buffer(p.pt::geography, (2 + 6 * p.r2) * 1000,
                                  'quad_segs=8')::geometry)
        FROM pts p WHERE p.n % 5 = 0 LIMIT {int(N_ZONES * 0.85)}
    """))
    s.execute(text(f"""
        INSERT INTO intervention_zone (professional_id, kind, communes, geom)
        SELECT p.n, 'communes', ARRAY[p.code], c.geom
        FROM pts p JOIN commune c ON c.code = p.code
        WHERE p.n % 5 = 1 LIMIT {N_ZONES - int(N_ZONES * 0.85)}
    """))
    s.execute(text("""
        INSERT INTO professional_competency (professional_id, competency_id)
        SELECT p.n, c.id FROM pts p JOIN competency c ON c.id = 1 + (p.n % 20)
        WHERE p.r < 0.3
    """))
    s.execute(text("""
        INSERT INTO slot (professional_id, weekday, start_time, end_time, kind)
        SELECT p.n, 1 + (p.n % 7), time '08:00' + (p.n % 10) * interval '1 hour',
               time '12:00' + (p.n % 10) * interval '1 hour', 'snp'
        FROM pts p WHERE p.r2 < 0.15
    """))


def generate(db: Database, report) -> None:
    t0 = time.perf_counter()
    with db.session_scope() as s:
        _professionals(s)
        n = s.execute(text("SELECT count(*) FROM professional")).scalar_one()
        report.note(f"{n} professionals generated in {time.perf_counter() - t0:.0f} s")
        t1 = time.perf_counter()
        _zones_competencies_slots(s)
        report.note(f"zones, competencies and slots in {time.perf_counter() - t1:.0f} s")
        t1 = time.perf_counter()
        for sql in SPATIAL_INDEXES:
            s.execute(text(sql))
        s.execute(text("CREATE INDEX idx_intervention_zone_geom ON intervention_zone "
                       "USING gist (geom)"))
        report.note(f"GiST indexes built in {time.perf_counter() - t1:.0f} s")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def query_points(db: Database, n: int, seed: int = 1) -> list[tuple[float, float]]:
    with db.session_scope() as s:
        s.execute(text(f"SELECT setseed({seed / 10})"))
        rows = s.execute(text("""
            SELECT ST_Y(geom) + (random() - 0.5) * 0.02, ST_X(geom) + (random() - 0.5) * 0.02
            FROM practice_site TABLESAMPLE SYSTEM (1) LIMIT :n
        """), {"n": n}).all()
    return [(float(a), float(b)) for a, b in rows]


def pick_professions(n: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    codes, weights = zip(*PROFESSION_MIX)
    return rng.choices(codes, weights=weights, k=n)


def bench_service(db: Database, report, points, professions, warmup_points) -> None:
    """Warm the caches with another sample of the same distribution (a running service is
    warm), then measure."""
    from mapper.services.directory import SearchQuery, search_professionals

    samples = []
    with db.session_scope() as s:
        for (lat, lon), prof in zip(warmup_points, pick_professions(len(warmup_points), 9)):
            search_professionals(s, SearchQuery(near=(lat, lon), professions=[prof], limit=20))
        for (lat, lon), prof in zip(points, professions):
            t0 = time.perf_counter()
            results = search_professionals(s, SearchQuery(near=(lat, lon), professions=[prof],
                                                          limit=20))
            samples.append((time.perf_counter() - t0) * 1000)
            assert len(results) == 20
    report.record_latencies("service: search near + profession + limit 20", samples, 5)




def bench_http(report, port: int, name: str, queries: list[dict], target: float,
               warmup: list[dict] = ()) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(item):
        # a query's parameters, or (parameters, API token) to ask as a signed-in account
        params, token = item if isinstance(item, tuple) else (item, None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        conn.request("GET", "/api/v1/professionals/search?" + urlencode(params, doseq=True),
                     headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200, body[:300]
        return body

    for params in list(warmup) or queries[:20]:
        get(params)
    samples, counts = [], []
    for params in queries:
        t0 = time.perf_counter()
        body = get(params)
        samples.append((time.perf_counter() - t0) * 1000)
        counts.append(json.loads(body)["count"])
    conn.close()
    report.record_latencies(name, samples, target)
    report.note(f"{name}: mean {sum(counts) / len(counts):.1f} results per query")


def bench_rpps_import(db: Database, report) -> None:
    from mapper.imports.rpps import import_rpps_file
    from tests.factories.rpps_files import write_rpps_bulk

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "PS_LibreAcces_Personne_activite.txt"
        t0 = time.perf_counter()
        write_rpps_bulk(path, N_RPPS_ROWS, seed=3)
        report.note(f"RPPS file of {N_RPPS_ROWS} rows ({path.stat().st_size / 1e6:.0f} MB) "
                    f"written in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        with db.session_scope() as s:
            r = import_rpps_file(s, path)
        elapsed = time.perf_counter() - t0
        report.record(f"import RPPS {N_RPPS_ROWS} rows into a 1 M directory", elapsed, "s", 180)
        report.note("first import: " + r.lines()[0] + " | " + " | ".join(r.notes))
        t0 = time.perf_counter()
        with db.session_scope() as s:
            r = import_rpps_file(s, path)
        report.record("re-import of the same file (update in place)",
                      time.perf_counter() - t0, "s")
        report.note("re-import: " + r.lines()[0] + " | " + " | ".join(r.notes))


def run(report) -> None:
    if report.shared_data is None:
        report.note("skipped: no ../shared/data (population-weighted generation needs it)")
        return
    url = report.new_database("directory")
    db = Database(url, 3_600_000)
    load_communes(db, report.shared_data, report)
    generate(db, report)
    points = query_points(db, QUERIES)
    professions = pick_professions(len(points))
    bench_service(db, report, points, professions, query_points(db, QUERIES, 7))
    server = BenchServer(url)
    try:
        http_points = query_points(db, QUERIES, 5)
        near = [{"near": f"{lat:.6f},{lon:.6f}", "profession": p, "limit": 20}
                for (lat, lon), p in zip(http_points, pick_professions(len(http_points), 4))]
        bench_http(report, server.port, "HTTP: search near + profession + limit 20", near, 25)
        covers = [{"covers": f"{lat:.6f},{lon:.6f}"} for lat, lon in query_points(db, QUERIES, 3)]
        warm = [{"covers": f"{lat:.6f},{lon:.6f}"} for lat, lon in query_points(db, QUERIES, 8)]
        bench_http(report, server.port, f"HTTP: covers ({N_ZONES} zones), limit 20", covers, 30,
                   warmup=warm)
    finally:
        server.close()
    bench_rpps_import(db, report)
    db.engine.dispose()
