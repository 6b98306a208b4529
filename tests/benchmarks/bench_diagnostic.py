"""Territorial diagnostic benchmark (issue 15).

Every commune of France and 1 000 000 professionals spread like the population (the directory
benchmark's world: ``bench_directory.generate``, 5 % with a second site, 200 000 intervention
zones), then:

* ``mapper diagnostic --national --profession 10`` (médecins, every commune): ≤ 60 s, run as
  a separate process whose peak memory is stated (PostGIS selects the sites and communes, the
  process weighs the pairs in numpy blocks of at most 16 MB: ``mapper.geo.catchment``);
* the diagnostic of a 40-commune territory for every profession over HTTP
  (``GET /api/v1/diagnostic?communes=…``): p95 ≤ 500 ms, with the nightly national computation
  stored (``mapper diagnostic --national --all --store``, timed), as a running service has it.
  Territories are the 40 communes nearest a commune drawn like the population; each is asked
  once unmeasured (the reference densities of its département and région are then kept for the
  data version, as in a running service), then measured. A few territories are also asked
  before the national computation is stored (the live 2SFCA, no target).

``MAPPER_BENCH_DIAG_LIVE=0`` skips the live requests (minutes in dense areas).
``MAPPER_BENCH_SCALE`` scales the directory, ``MAPPER_BENCH_DEPARTEMENTS`` (e.g. 69,01,38)
limits the communes, for a smoke run.
"""
from __future__ import annotations

import http.client
import json
import os
import resource
import subprocess
import sys
import time
from urllib.parse import urlencode

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.bench_directory import N_PROFESSIONALS, generate, load_communes
from tests.benchmarks.run import BenchServer

N_TERRITORIES = 10
ROUNDS = 4


def territories(db: Database, n: int) -> list[list[str]]:
    """n territories of the 40 communes nearest a commune drawn like the population."""
    with db.session_scope() as s:
        s.execute(text("SELECT setseed(0.15)"))
        centres = s.execute(text(
            "SELECT code FROM commune WHERE population > 0 AND pop_point IS NOT NULL "
            "ORDER BY -ln(random()) / population LIMIT :n"), {"n": n}).scalars().all()
        return [s.execute(text(
            "SELECT c.code FROM commune c, commune o WHERE o.code = :o AND c.pop_point IS NOT "
            "NULL ORDER BY c.pop_point <-> o.pop_point LIMIT 40"), {"o": code}).scalars().all()
            for code in centres]


def bench_http(report, port: int, terrs: list[list[str]], name: str, rounds: int = ROUNDS,
               target: float | None = 500) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(codes):
        conn.request("GET", "/api/v1/diagnostic?" + urlencode({"communes": ",".join(codes)}))
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200, body[:300]
        return json.loads(body)

    first = []
    for codes in terrs:
        t0 = time.perf_counter()
        body = get(codes)
        first.append((time.perf_counter() - t0) * 1000)
    report.note(f"first request per territory (cold reference densities): max "
                f"{max(first):.0f} ms, mean {sum(first) / len(first):.0f} ms; "
                f"{len(body['professions'])} professions")
    samples = []
    for _ in range(rounds):
        for codes in terrs:
            t0 = time.perf_counter()
            get(codes)
            samples.append((time.perf_counter() - t0) * 1000)
    conn.close()
    report.record_latencies(name, samples, target)


def national(report, url: str, args: list[str], name: str, target: float | None) -> None:
    env = {**os.environ, "MAPPER_DATABASE_URL": url}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", "from mapper.cli import main; main()",
                          "diagnostic", "--national", *args],
                         env=env, capture_output=True, text=True, timeout=7200)
    elapsed = time.perf_counter() - t0
    assert out.returncode == 0, out.stderr[-2000:]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report.record(name, round(elapsed, 1), "s", target)
    report.note(out.stdout.strip().replace("\n", " | "))
    report.note(f"{name}: peak RSS of command processes so far {peak / 1024:.0f} MB "
                "(the pairs are weighed in the process; PostgreSQL only selects)")


def run(report) -> None:
    if report.shared_data is None:
        report.note("skipped: no ../shared/data (population-weighted generation needs it)")
        return
    url = report.new_database("diagnostic")
    db = Database(url, 3_600_000)
    load_communes(db, report.shared_data, report)
    generate(db, report)
    with db.session_scope() as s:
        n = s.execute(text("SELECT count(*) FROM commune WHERE pop_point IS NOT NULL")).scalar_one()
    report.note(f"{n} communes with a population point, {N_PROFESSIONALS} professionals "
                f"(load: {os.getloadavg()[0]:.1f})")
    terrs = territories(db, N_TERRITORIES)
    server = BenchServer(url, api_statement_timeout_ms=600_000)
    try:
        if os.environ.get("MAPPER_BENCH_DIAG_LIVE", "1") == "1":
            bench_http(report, server.port, terrs[:3], "HTTP: 40-commune territory, all "
                       "professions, live 2SFCA (no stored national computation)", 1, None)
        national(report, url, ["--profession", "10"],
                 "mapper diagnostic --national --profession 10 (process, wall clock)", 60)
        national(report, url, ["--all", "--store"],
                 "mapper diagnostic --national --all --store (process, wall clock)", None)
        bench_http(report, server.port, terrs, "HTTP: diagnostic of a 40-commune territory, "
                   "all professions (stored national 2SFCA)")
    finally:
        server.close()
    report.note(f"load after: {os.getloadavg()[0]:.1f}")
    db.engine.dispose()
