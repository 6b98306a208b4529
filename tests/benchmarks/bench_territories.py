"""Territory benchmark (issue 3).

Set-up: every metropolitan commune of the open-data pack (communes-france-metropole.geojson)
with populations, and 1 000 generated CPTS: each a contiguous group of 35 communes (the nearest
communes to a random seed, so neighbouring groups sometimes share communes, like real projects);
a greedy subset that does not overlap is validated. 50 drawn projects are added on top so that
the geometric paths (drawn × drawn, drawn × communes) are exercised too.

Measured through real HTTP: the app is served by waitress on 127.0.0.1 in a thread, and the
client keeps one HTTP/1.1 connection (http.client), so figures include WSGI, JSON and the
network stack, not only SQL.

Targets: check of a 40-commune candidate p95 ≤ 30 ms; of a drawn polygon p95 ≤ 150 ms; coverage
of a région p95 ≤ 200 ms; ``mapper check-overlaps`` over all 1 000 CPTS ≤ 60 s.
"""
from __future__ import annotations

import http.client
import json
import math
import random
import time

from sqlalchemy import text

from mapper.vocab import size_category_sql

N_CPTS = 1_000
GROUP = 35
CANDIDATE = 40
REPEAT = 200
N_DRAWN = 50  # drawn projects on top of the 1 000 commune groups: exercises the geometric path


def _generate(db) -> None:
    """1 000 CPTS grown from seeds, measured and stored set-based (one statement each step)."""
    with db.session_scope() as session:
        session.execute(text("""
            CREATE TEMP TABLE pts ON COMMIT DROP AS
              SELECT code, ST_PointOnSurface(geom) AS p FROM commune;
            CREATE INDEX ON pts USING gist (p);
            ANALYZE pts;
            CREATE TEMP TABLE seeds ON COMMIT DROP AS
              SELECT code, p, row_number() OVER (ORDER BY md5(code || 'bench')) AS n
              FROM pts ORDER BY md5(code || 'bench') LIMIT :n;
            INSERT INTO cpts (name, slug, status, territory_kind)
              SELECT 'CPTS bench ' || n, 'cpts-bench-' || n, 'projet', 'communes' FROM seeds;
            INSERT INTO cpts_commune (cpts_id, commune_code)
              SELECT k.id, nn.code FROM seeds s
              JOIN cpts k ON k.slug = 'cpts-bench-' || s.n
              CROSS JOIN LATERAL (SELECT code FROM pts ORDER BY pts.p <-> s.p LIMIT :group) nn;
        """.replace(":n", str(N_CPTS)).replace(":group", str(GROUP))))
        store_measures(session)
        members: dict[int, set[str]] = {}
        for cid, code in session.execute(text("SELECT cpts_id, commune_code FROM cpts_commune")):
            members.setdefault(cid, set()).add(code)
        taken: set[str] = set()
        validated = []
        for cid in sorted(members):
            if not members[cid] & taken:
                taken |= members[cid]
                validated.append(cid)
        session.execute(text("UPDATE cpts SET status = 'valide' WHERE id = ANY(:ids)"),
                        {"ids": validated})
        session.execute(text("""
            INSERT INTO cpts_validated_commune (cpts_id, commune_code, share_key)
            SELECT cpts_id, commune_code, 'cpts:' || cpts_id FROM cpts_commune
            WHERE cpts_id = ANY(:ids)"""), {"ids": validated})
        session.execute(text("ANALYZE"))


def store_measures(session, ids: list[int] | None = None) -> None:
    """The cached measures of generated CPTS (all, or those of ``ids``): population, area
    (geography sums), ACI category, main région, union."""
    only = "" if ids is None else "WHERE cc.cpts_id = ANY(:ids)"
    session.execute(text(f"""
        UPDATE cpts k SET population = s.population, population_year = 2023,
               area_km2 = s.area, region = s.region, geom = s.geom,
               size_category = {size_category_sql("s.population")}
        FROM (SELECT cc.cpts_id, sum(coalesce(c.population, 0)) AS population,
                     sum(c.area_km2) AS area,
                     mode() WITHIN GROUP (ORDER BY c.region) AS region,
                     ST_Multi(ST_CollectionExtract(ST_Union(c.geom), 3)) AS geom
              FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
              {only}
              GROUP BY cc.cpts_id) s
        WHERE s.cpts_id = k.id
    """), {} if ids is None else {"ids": ids})


def _add_drawn(db, polygons: list[dict]) -> None:
    """Drawn CPTS (projects) through the service's own measuring and storing."""
    from mapper.config import Settings
    from mapper.models import Cpts
    from mapper.services.territories import build_territory, store_territory

    with db.session_scope() as session:
        for i, geometry in enumerate(polygons):
            territory = build_territory(session, geometry=geometry, settings=Settings())
            cpts = Cpts(name=f"CPTS dessinée {i}", slug=f"cpts-dessinee-{i}", status="projet")
            session.add(cpts)
            session.flush()
            store_territory(session, cpts, territory)
        session.execute(text("ANALYZE"))


def _candidates(db, n: int) -> tuple[list[list[str]], list[dict]]:
    """Commune candidates (40 nearest communes to a random commune) and drawn polygons
    (irregular 120-vertex star shapes of radius ~5–9 km around random communes)."""
    rng = random.Random(42)
    with db.session_scope() as session:
        centres = session.execute(text("""
            SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
            FROM commune ORDER BY md5(code || 'cand') LIMIT :n"""), {"n": n}).all()
        lists = [list(session.execute(text("""
            SELECT code FROM commune ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:x, :y), 4326)
            LIMIT :k"""), {"x": x, "y": y, "k": CANDIDATE}).scalars()) for _, x, y in centres]
    polygons = []
    for _, x, y in centres:
        ring = []
        for k in range(120):
            a = 2 * math.pi * k / 120
            r = rng.uniform(5, 9) / 111.0  # km → degrees of latitude
            ring.append([round(x + r * math.cos(a) / math.cos(math.radians(y)), 6),
                         round(y + r * math.sin(a), 6)])
        ring.append(ring[0])
        polygons.append({"type": "Polygon", "coordinates": [ring]})
    return lists, polygons


class Client:
    """One keep-alive HTTP/1.1 connection to the server thread."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body=None) -> dict:
        payload = json.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if payload else {}
        self.conn.request(method, path, body=payload, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{method} {path}: {resp.status} {data[:300]!r}")
        return json.loads(data)


def _set_up(report):
    """All communes, generated CPTS and drawn ones: (database URL, Database, commune lists,
    polygons of candidates)."""
    from mapper.db import Database
    from mapper.imports.communes import import_communes_file
    from mapper.imports.population import import_population_file

    url = report.new_database("territories")
    db = Database(url, 3_600_000)
    t0 = time.perf_counter()
    with db.session_scope() as session:
        n = import_communes_file(session, report.shared_data / "communes" /
                                 "communes-france-metropole.geojson",
                                 population_year=2023).counts["inserted"]
    with db.session_scope() as session:
        import_population_file(session, report.shared_data / "communes_population.csv", 2023)
    report.note(f"set-up: {n} communes loaded in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    _generate(db)
    with db.session_scope() as session:
        stats = session.execute(text(
            "SELECT count(*), count(*) FILTER (WHERE status = 'valide'), "
            "round(avg(population)) FROM cpts")).one()
    report.note(f"set-up: {stats[0]} CPTS of {GROUP} communes generated in "
                f"{time.perf_counter() - t0:.1f} s ({stats[1]} validated, mean population "
                f"{stats[2]})")
    lists, polygons = _candidates(db, REPEAT + N_DRAWN)
    t0 = time.perf_counter()
    _add_drawn(db, polygons[REPEAT:])
    polygons = polygons[:REPEAT]
    report.note(f"set-up: {N_DRAWN} drawn CPTS (projects) added in "
                f"{time.perf_counter() - t0:.1f} s")

    return url, db, lists, polygons


def _http(report, url, lists, polygons) -> None:
    """The territory check and coverage through HTTP (waitress)."""
    from tests.benchmarks.run import BenchServer, timed

    server = BenchServer(url)
    try:
        client = Client(server.port)
        it = iter(range(10 ** 9))

        def check_communes():
            out = client.request("POST", "/api/v1/territories/check",
                                 {"communes": lists[next(it) % len(lists)]})
            assert len(out["communes"]) == CANDIDATE

        report.record_latencies("POST /territories/check, 40 communes (HTTP)",
                                timed(check_communes, REPEAT, warmup=10), 30)
        overlapping = sum(bool(client.request("POST", "/api/v1/territories/check",
                                              {"communes": c})["overlaps"]) for c in lists[:50])
        report.note(f"{overlapping}/50 commune candidates overlap existing CPTS")

        def check_drawn():
            out = client.request("POST", "/api/v1/territories/check",
                                 {"geometry": polygons[next(it) % len(polygons)]})
            assert out["communes"]

        report.record_latencies("POST /territories/check, drawn 120-vertex polygon (HTTP)",
                                timed(check_drawn, REPEAT, warmup=10), 150)
        sample = client.request("POST", "/api/v1/territories/check", {"geometry": polygons[0]})
        report.note(f"drawn candidate: {sample['area_km2']} km², {len(sample['communes'])} "
                    f"communes cut, {len(sample['overlaps'])} overlaps")

        for region, label in (("84", "Auvergne-Rhône-Alpes, 4 000 communes"),
                              ("93", "Provence-Alpes-Côte d'Azur")):
            def cov(region=region):
                out = client.request("GET", f"/api/v1/coverage?region={region}")
                assert out["population_total"] > 0

            report.record_latencies(f"GET /coverage?region={region} ({label}) (HTTP)",
                                    timed(cov, 50, warmup=3), 200)
        client.conn.close()
    finally:
        server.close()



def run(report) -> None:
    if report.shared_data is None:
        report.note("skipped: no ../shared/data")
        return
    from click.testing import CliRunner

    from mapper.cli import main

    url, db, lists, polygons = _set_up(report)
    _http(report, url, lists, polygons)
    t0 = time.perf_counter()
    result = CliRunner().invoke(main, ["check-overlaps"], env={"MAPPER_DATABASE_URL": url})
    elapsed = time.perf_counter() - t0
    if result.exit_code != 0:
        raise RuntimeError(f"check-overlaps exited {result.exit_code}: {result.output[-500:]}")
    report.record(f"mapper check-overlaps, {N_CPTS} + {N_DRAWN} drawn CPTS", elapsed, "s", 60)
    report.note(result.output.strip().splitlines()[-1])
    db.engine.dispose()
