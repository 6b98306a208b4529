"""On-call benchmark (issue 12): « now and later today » for a CPTS of 300 professionals with a
year of rota, p95 ≤ 30 ms over HTTP with a signed-in professional's token.

The CPTS is a 5×5 grid of communes (made by the real importer and the CPTS use case); its 300
professionals, their sites (spread over the territory) and memberships are generated in SQL,
and so is the rota: every day for a year centred on today (so half of it is past, the worst
case for an index on the start alone), 6 morning turns 08:00–12:00, 12 afternoon turns
14:00–20:00 and 4 evening turns 20:00–23:00, taken in rotation (Europe/Paris wall-clock,
turned into instants by PostgreSQL's time-zone rules), 0 to 3 free places each.

The queries are a real server (waitress, as ``mapper serve``) on one keep-alive connection,
as pharmacists of the CPTS (their own site is the origin), and some with ``?lat=&lon=``.
"""
from __future__ import annotations

import http.client
import json
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.run import BenchServer, profession_case, timed

N_PROFESSIONALS = 300
DAYS = 365
QUERIES = 400
TURNS = [("08:00", "12:00", 6), ("14:00", "20:00", 12), ("20:00", "23:00", 4)]


def _world(db: Database, url: str) -> tuple[str, int, list[int]]:
    from mapper.auth.principal import Principal
    from mapper.imports.communes import import_communes_file
    from mapper.services.territories import create_cpts
    from tests.factories.geo import grid_communes, write_geojson
    from tests.support import make_settings

    path = write_geojson(Path(tempfile.mkdtemp()) / "grid69.geojson",
                         grid_communes("69", (4.85, 45.68), 5, 0.02))
    with db.session_scope() as session:
        assert import_communes_file(session, path, population_year=2023).ok
        cpts = create_cpts(session, Principal.system("bench"), name="CPTS Vénissieux Bench",
                           communes=[f"69{k:03d}" for k in range(1, 26)],
                           settings=make_settings(url))
        slug, cpts_id = cpts.slug, cpts.id
    with db.session_scope() as session:
        session.execute(text("SELECT setseed(0.12)"))
        session.execute(text(f"""
            INSERT INTO professional (first_name, last_name, profession_code, languages, phone,
                                      private_phone, source)
            SELECT 'Prénom' || n, 'NOM' || n, {profession_case(column='random()')},
                   '{{fr}}', '04 78 ' || lpad(n::text, 6, '0'), '06 ' || lpad(n::text, 8, '0'),
                   'api'
            FROM generate_series(1, {N_PROFESSIONALS}) n"""))
        session.execute(text("""
            INSERT INTO practice_site (professional_id, profession_code, address, commune_code,
                                       address_key, geom, geocode_source, geocode_status,
                                       precision, source)
            SELECT p.id, p.profession_code, p.id || ' avenue du Bench', '69001',
                   p.id || ' avenue du bench||69001',
                   ST_SetSRID(ST_MakePoint(4.85 + random() * 0.1, 45.68 + random() * 0.1), 4326),
                   'given', 'ok', 'address', 'api'
            FROM professional p"""))
        session.execute(text("INSERT INTO cpts_member (cpts_id, professional_id) "
                             "SELECT :c, id FROM professional"), {"c": cpts_id})
        pids = list(session.scalars(text("SELECT id FROM professional ORDER BY id")))
    return slug, cpts_id, pids


def _rota(db: Database, cpts_id: int, pids: list[int]) -> int:
    """A year of turns in rotation: turn k of day d goes to professional (d·22 + k) mod 300."""
    per_day = sum(n for _, _, n in TURNS)
    values = ", ".join(f"('{s}'::time, '{e}'::time, {n}, {sum(t[2] for t in TURNS[:i])})"
                       for i, (s, e, n) in enumerate(TURNS))
    with db.session_scope() as session:
        session.execute(text(f"""
            WITH days AS (
                SELECT d::date AS day, row_number() OVER (ORDER BY d) - 1 AS k
                FROM generate_series(current_date - {DAYS // 2}, current_date + {DAYS // 2 - 1},
                                     interval '1 day') d),
            turns(start_time, end_time, n, first) AS (VALUES {values}),
            slots AS (
                SELECT days.day, days.k, t.start_time, t.end_time, t.first + i AS slot
                FROM days, turns t, generate_series(0, t.n - 1) i)
            INSERT INTO shift (cpts_id, professional_id, on_date, start_time, end_time,
                               starts_at, ends_at, free_places)
            SELECT :cpts, (:pids)[((k * {per_day} + slot) % {len(pids)}) + 1], day,
                   start_time, end_time,
                   (day + start_time) AT TIME ZONE 'Europe/Paris',
                   (day + end_time) AT TIME ZONE 'Europe/Paris',
                   floor(random() * 4)::int
            FROM slots"""), {"cpts": cpts_id, "pids": pids})
        session.execute(text("ANALYZE shift"))
        return session.scalar(text("SELECT count(*) FROM shift"))


def _token(db: Database, pid: int) -> str:
    from mapper.services.accounts import create_account

    with db.session_scope() as session:
        return create_account(session, email=f"pharma{pid}@example.org", role="professional",
                              professional_id=pid, actor="bench")[1]


def run(report) -> None:
    url = report.new_database()
    db = Database(url, 600_000)
    slug, cpts_id, pids = _world(db, url)
    t0 = time.perf_counter()
    shifts = _rota(db, cpts_id, pids)
    report.note(f"{shifts} shifts for {len(pids)} professionals over {DAYS} days, "
                f"generated in {time.perf_counter() - t0:.1f} s")
    tokens = [_token(db, pid) for pid in random.Random(7).sample(pids, 20)]
    server = BenchServer(url)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    rng = random.Random(12)
    counts: list[int] = []

    def query():
        path = f"/api/v1/cpts/{slug}/oncall"
        if rng.random() < 0.25:
            path += f"?lat={45.68 + rng.random() * 0.1:.5f}&lon={4.85 + rng.random() * 0.1:.5f}"
        conn.request("GET", path, headers={"Authorization": f"Bearer {rng.choice(tokens)}"})
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200, body[:300]
        counts.append(json.loads(body)["count"])

    def health():  # the machine's own pace (2 shared cores): a reference, no target
        conn.request("GET", "/api/v1/health")
        conn.getresponse().read()

    try:
        reference = timed(health, 100)
        samples = timed(query, QUERIES, warmup=20)
    finally:
        conn.close()
        server.close()
    report.note(f"shifts listed per answer: {min(counts)}–{max(counts)}")
    report.record_latencies("GET /api/v1/health (reference, same server)", reference)
    report.record_latencies("now and later today, HTTP, signed-in professional", samples, 30)
