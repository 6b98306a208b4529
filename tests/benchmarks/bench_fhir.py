"""FHIR benchmark (issue 14):

* ``Practitioner?address-postalcode=`` over 1 000 000 generated professionals (sites spread
  over 6 000 postcodes, skewed: the densest hold ~1 % of the directory): p95 ≤ 30 ms over HTTP;
* the 72-hour free-slot search of a CPTS (``Slot?cpts=&status=free&start=ge…&start=le…``)
  with a year of rota (the on-call benchmark's world): ≤ 1 s (the SAS's requirement), p95.

HTTP is a real server (waitress) on one keep-alive connection. ``MAPPER_BENCH_SCALE`` scales
the directory (0.01 for a smoke run).
"""
from __future__ import annotations

import http.client
import json
import os
import random
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks import bench_oncall
from tests.benchmarks.run import BenchServer, profession_case, timed

SCALE = float(os.environ.get("MAPPER_BENCH_SCALE", "1"))
N_PROFESSIONALS = int(1_000_000 * SCALE)
N_POSTCODES = 6000
QUERIES = 300


def _postcode(n: int) -> str:
    return f"{1000 + n * 16:05d}"


def _directory(db: Database) -> None:
    with db.session_scope() as s:
        s.execute(text("SET LOCAL work_mem = '256MB'"))
        s.execute(text("SELECT setseed(0.14)"))
        s.execute(text(f"""
            INSERT INTO professional (id, first_name, last_name, profession_code, languages,
                                      phone, private_phone, source)
            SELECT n, 'Prénom' || (n % 997), 'NOM' || n, {profession_case(column='random()')},
                   '{{fr}}', '01' || lpad(n::text, 8, '0'), '06' || lpad(n::text, 8, '0'), 'api'
            FROM generate_series(1, {N_PROFESSIONALS}) n"""))
        s.execute(text("SELECT setval(pg_get_serial_sequence('professional', 'id'), "
                       "(SELECT max(id) FROM professional))"))
        s.execute(text(f"""
            INSERT INTO practice_site (professional_id, profession_code, address, postcode,
                                       address_key, geom, geocode_source, geocode_status,
                                       precision, source)
            SELECT p.id, p.profession_code, p.id || ' rue FHIR', x.pc, p.id || ' rue fhir||',
                   ST_SetSRID(ST_MakePoint(-4 + random() * 12, 43 + random() * 8), 4326),
                   'given', 'ok', 'address', 'api'
            FROM professional p,
                 LATERAL (SELECT lpad((1000 + floor({N_POSTCODES} * random() ^ 2)::int * 16
                                      + p.id * 0)::text, 5, '0') AS pc) x"""))


def _vacuum(url: str) -> None:
    """What autovacuum does to a loaded directory: statistics, and the visibility map that
    index-only scans rely on."""
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                           if url.startswith("postgresql://") else url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE professional"))
        conn.execute(text("VACUUM ANALYZE practice_site"))
    engine.dispose()


def _fhir_get(conn, path: str) -> dict:
    conn.request("GET", path, headers={"Accept": "application/fhir+json"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200, body[:300]
    return json.loads(body)


def _random_postcode(rng: random.Random) -> str:
    return _postcode(min(N_POSTCODES - 1, int(N_POSTCODES * rng.random() ** 2)))


def _service_postcode(db: Database, report) -> None:
    """The same search in the service layer (no HTTP, no JSON): the database's share."""
    from mapper.services.directory.registry import RegistryQuery, find_entries

    rng = random.Random(41)
    with db.session_scope() as session:
        samples = timed(lambda: find_entries(
            session, RegistryQuery(postcode=_random_postcode(rng))), QUERIES, warmup=20)
    report.record_latencies("registry.find_entries(postcode), service layer", samples)


def _postcode_search(report) -> None:
    url = report.new_database("fhir_directory")
    db = Database(url, 600_000)
    t0 = time.perf_counter()
    _directory(db)
    _vacuum(url)
    report.note(f"{N_PROFESSIONALS} professionals generated in {time.perf_counter() - t0:.0f} s")
    _service_postcode(db, report)
    server = BenchServer(url)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    rng, totals = random.Random(14), []

    def query():
        code = _random_postcode(rng)
        totals.append(_fhir_get(conn, f"/fhir/Practitioner?address-postalcode={code}")["total"])

    def health():  # the machine's own pace (shared cores): a reference, no target
        conn.request("GET", "/api/v1/health")
        conn.getresponse().read()

    try:
        reference = timed(health, 100)
        samples = timed(query, QUERIES, warmup=20)
    finally:
        conn.close()
        server.close()
    report.record_latencies("GET /api/v1/health (reference, same server)", reference)
    report.note(f"matches per postcode: {min(totals)}–{max(totals)}")
    report.record_latencies("Practitioner?address-postalcode=, HTTP", samples, 30)


def _slot_search(report) -> None:
    url = report.new_database("fhir_slots")
    db = Database(url, 600_000)
    slug, cpts_id, pids = bench_oncall._world(db, url)
    shifts = bench_oncall._rota(db, cpts_id, pids)
    report.note(f"{shifts} shifts over {bench_oncall.DAYS} days for one CPTS")
    server = BenchServer(url)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    counts = []

    def query():
        now = datetime.now(timezone.utc).replace(microsecond=0)
        path = (f"/fhir/Slot?cpts={slug}&status=free&_count=100"
                f"&start=ge{quote(now.isoformat())}"
                f"&start=le{quote((now + timedelta(hours=72)).isoformat())}")
        body = _fhir_get(conn, path)
        while True:  # the whole window, every page
            nxt = [link["url"] for link in body["link"] if link["relation"] == "next"]
            if not nxt:
                break
            body = _fhir_get(conn, nxt[0].split(str(server.port), 1)[1])
        counts.append(body["total"])

    try:
        samples = timed(query, 100, warmup=5)
    finally:
        conn.close()
        server.close()
    report.note(f"free slots in 72 h: {min(counts)}–{max(counts)}")
    report.record_latencies("Slot 72 h free slots of a CPTS (all pages), HTTP", samples, 1000)


def run(report) -> None:
    _postcode_search(report)
    _slot_search(report)
