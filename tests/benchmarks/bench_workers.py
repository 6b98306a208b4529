"""Several processes (issue 16): ``mapper serve --workers 1`` (waitress) against ``--workers 2``
(gunicorn, gthread), both real subprocesses with 8 threads a process, under one mixed load.

The world: 30 000 professionals in Paris (the generator of bench_maps), a 500-member CPTS
(its orientation map and its widget), a 10×10 grid of communes to check territories against.
The load: 16 concurrent clients (threads of this process, one keep-alive connection each), each
drawing its next request from the mix — a search near a point (40 %), a territory check of
12 communes (20 %), the CPTS's orientation map page (20 %), its widget (20 %).

Both servers run side by side over the same database; the measurement windows alternate
(1, 2, 1, 2…) so that what else the machine does falls on both. Figures: requests per second
and p95 of each, the throughput ratio (target ≥ 1.6), errors (target 0), and the machine's
load. On 2 cores the client threads and PostgreSQL share the CPU with the servers: the ratio
is bounded by that, and the report says the load average next to it.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time

from mapper.db import Database
from tests.benchmarks.bench_maps import generate
from tests.benchmarks.run import percentile

CLIENTS = 16
WINDOW_S = float(os.environ.get("MAPPER_BENCH_WINDOW_S", "15"))
ROUNDS = int(os.environ.get("MAPPER_BENCH_ROUNDS", "3"))
N_PROFESSIONALS = 30_000
MEMBERS = 500
#: Communes 23001…23100, 0.03° a side, over the generated box (not 75: 75056 is read as
#: Paris's arrondissements).
GRID = 10


def _world(report) -> tuple[str, str, list[list[str]]]:
    from tests.factories.geo import grid_communes, write_geojson

    url = report.new_database("workers")
    db = Database(url, 3_600_000)
    generate(db, {"bench-all": N_PROFESSIONALS, "bench-mix": MEMBERS})
    import tempfile
    from pathlib import Path

    from mapper.imports.communes import import_communes_file

    path = write_geojson(Path(tempfile.mkdtemp()) / "grid.geojson",
                         grid_communes("23", (2.22, 48.80), GRID, 0.03))
    with db.session_scope() as session:
        assert import_communes_file(session, path, population_year=2023).ok
    rng = random.Random(16)
    checks = []
    for _ in range(50):
        i, j = rng.randrange(GRID - 3), rng.randrange(GRID - 2)
        checks.append([f"23{(j + dj) * GRID + i + di + 1:03d}" for dj in range(3)
                       for di in range(4)])
    db.engine.dispose()
    return url, "bench-mix", checks


def _requests(slug: str, checks: list[list[str]], rng: random.Random):
    """An endless stream of (method, path, body) drawn from the mix."""
    while True:
        r = rng.random()
        if r < 0.4:
            lat, lon = 48.80 + rng.random() * 0.13, 2.22 + rng.random() * 0.26
            yield "GET", (f"/api/v1/professionals/search?near={lat:.5f},{lon:.5f}"
                          f"&radius_km=3&profession=60&limit=20"), None
        elif r < 0.6:
            yield "POST", "/api/v1/territories/check", json.dumps(
                {"communes": rng.choice(checks)})
        elif r < 0.8:
            yield "GET", f"/map/cpts/{slug}", None
        else:
            yield "GET", f"/embed/cpts/{slug}", None


def _load(port: int, slug: str, checks, seconds: float) -> tuple[int, list[float], list[str]]:
    """CLIENTS threads for ``seconds``: (requests done, latencies in ms, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        for method, path, body in _requests(slug, checks, random.Random(seed)):
            if time.monotonic() >= stop:
                break
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers={
                    "Content-Type": "application/json", "Accept-Encoding": "gzip"})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    bad.append(f"{method} {path}: {resp.status}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{method} {path}: {exc!r}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors


def run(report) -> None:
    from tests.scaleout.serving import ServeProcess

    url, slug, checks = _world(report)
    env = {"MAPPER_SECRET_KEY": "bench-workers", "MAPPER_STATEMENT_TIMEOUT_MS": "60000"}
    servers = {1: ServeProcess(url, workers=1, threads=8, **env),
               2: ServeProcess(url, workers=2, threads=8, **env)}
    try:
        for n, server in servers.items():  # warm: caches, icon font, pools
            _load(server.port, slug, checks, 3)
        results = {1: ([], 0.0, []), 2: ([], 0.0, [])}
        loads = []
        for _ in range(ROUNDS):
            for n, server in servers.items():
                done, ms, errors = _load(server.port, slug, checks, WINDOW_S)
                lat, secs, errs = results[n]
                results[n] = (lat + ms, secs + WINDOW_S, errs + errors)
                loads.append(os.getloadavg()[0])
        rates = {}
        for n, (ms, secs, errors) in results.items():
            rates[n] = len(ms) / secs
            label = f"--workers {n}, {CLIENTS} clients, mixed"
            report.record(f"{label}: throughput", rates[n], "req/s")
            report.record(f"{label}: p50", percentile(ms, 50), "ms")
            report.record(f"{label}: p95", percentile(ms, 95), "ms")
            report.record(f"{label}: errors", len(errors), "", 0)
            if errors:
                report.note(f"--workers {n} errors (first 5): {errors[:5]}")
        report.record("throughput ratio 2 workers / 1 (target ≥ 1.6, shown as 1.6 / ratio)",
                      1.6 / rates[2] * rates[1], "", 1.0)
        report.note(f"ratio {rates[2] / rates[1]:.2f}; load average (1 min) during the windows: "
                    f"{', '.join(f'{x:.1f}' for x in loads)}; {os.cpu_count()} cores")
    finally:
        for server in servers.values():
            server.stop()
