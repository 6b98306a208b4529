"""Several processes (issue 16): ``mapper serve --workers 1`` (waitress) against ``--workers 2``
(gunicorn, gthread), both real subprocesses with 8 threads a process, under one mixed load.

The world: 30 000 professionals in Paris (the generator of bench_maps), a 500-member CPTS
(its orientation map and its widget), a 10×10 grid of communes to check territories against.
The load: 16 concurrent clients (threads of this process, one keep-alive connection each), each
drawing its next request from the mix — a search near a point (40 %), a territory check of
12 communes (20 %), the CPTS's orientation map page (20 %), its widget (20 %). The map page and
the widget come from each process's page cache once built (in each minute), as in production:
since stop 24 the map page is cached too, so this mix is lighter than in earlier reports.

Both servers run side by side over the same database; the measurement windows alternate
(1, 2, 1, 2…) so that what else the machine does falls on both. Figures: requests per second
and p95 of each, the throughput ratio (target ≥ 1.6), errors (target 0), the CPU a request
costs in the server and in PostgreSQL, and the machine's busy share and load. On 2 cores the client threads and PostgreSQL share the CPU with the servers: the ratio
is bounded by that, and the report says the load average next to it.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
from pathlib import Path

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


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live descendants (gunicorn's workers)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / _TICK
    return own + sum(_cpu_seconds(int(c)) for c in children)


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU ticks of the machine since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _window(server, postmaster: int, slug, checks) -> dict:
    cpu0, pg0 = _cpu_seconds(server.proc.pid), _cpu_seconds(postmaster)
    busy0, total0 = _machine_busy()
    client0 = time.process_time()
    done, ms, errors = _load(server.port, slug, checks, WINDOW_S)
    client = time.process_time() - client0
    busy1, total1 = _machine_busy()
    return {"ms": ms, "errors": errors, "server_cpu": _cpu_seconds(server.proc.pid) - cpu0,
            "pg_cpu": _cpu_seconds(postmaster) - pg0, "client_cpu": client,
            "busy": (busy1 - busy0) / max(1, total1 - total0), "load": os.getloadavg()[0]}


def run(report) -> None:
    from tests.scaleout.serving import ServeProcess

    url, slug, checks = _world(report)
    env = {"MAPPER_SECRET_KEY": "bench-workers", "MAPPER_STATEMENT_TIMEOUT_MS": "60000"}
    servers = {1: ServeProcess(url, workers=1, threads=8, **env),
               2: ServeProcess(url, workers=2, threads=8, **env)}
    try:
        for n, server in servers.items():  # warm: caches, icon font, pools
            _load(server.port, slug, checks, 3)
        postmaster = int((report.cluster.pgdata / "postmaster.pid").read_text().split()[0])
        windows: dict[int, list[dict]] = {1: [], 2: []}
        for _ in range(ROUNDS):
            for n, server in servers.items():
                windows[n].append(_window(server, postmaster, slug, checks))
        rates = {}
        for n, runs in windows.items():
            ms = [x for w in runs for x in w["ms"]]
            errors = [x for w in runs for x in w["errors"]]
            rates[n] = len(ms) / (WINDOW_S * len(runs))
            label = f"--workers {n}, {CLIENTS} clients, mixed"
            report.record(f"{label}: throughput", rates[n], "req/s")
            report.record(f"{label}: p50", percentile(ms, 50), "ms")
            report.record(f"{label}: p95", percentile(ms, 95), "ms")
            report.record(f"{label}: errors", len(errors), "", 0)
            report.record(f"{label}: server CPU per request",
                          1000 * sum(w["server_cpu"] for w in runs) / max(1, len(ms)), "ms")
            report.record(f"{label}: load generator CPU per request",
                          1000 * sum(w["client_cpu"] for w in runs) / max(1, len(ms)), "ms")
            report.record(f"{label}: PostgreSQL CPU per request",
                          1000 * sum(w["pg_cpu"] for w in runs) / max(1, len(ms)), "ms")
            busy = ", ".join(f"{w['busy']:.0%}" for w in runs)
            loads = ", ".join(f"{w['load']:.1f}" for w in runs)
            report.note(f"--workers {n}: machine CPU busy {busy}; load average (1 min) {loads}")
            if errors:
                report.note(f"--workers {n} errors (first 5): {errors[:5]}")
        report.record("throughput ratio 2 workers / 1 (target ≥ 1.6, shown as 1.6 / ratio)",
                      1.6 / rates[2] * rates[1], "", 1.0)
        report.note(f"ratio {rates[2] / rates[1]:.2f} on {os.cpu_count()} cores")
    finally:
        for server in servers.values():
            server.stop()
