"""Side by side with the peers (issues 14 and 16): the same PostGIS tables served by our
service, by pygeoapi (its PostgreSQL provider) and by tipg, in one run.

Set-up: as ``bench_ars`` (every metropolitan commune of the open-data pack with populations, and
1 000 generated CPTS of 35 communes; without the pack a grid of generated communes in one
région). pygeoapi and tipg are installed in their own virtualenvs (``peers.venv``) and each
server runs in its own process (``peers``): ours is ``mapper serve``.

Measured through real HTTP, interleaved: each round sends every target the same burst of
requests from ``CONCURRENCY`` clients (one keep-alive connection each), the targets in a
rotating order, so that load from elsewhere falls on all of them alike. Per target: req/s
(requests over the time of its bursts), p50/p95 latency and the bytes of one response; every
target must return the same number of features.

- the CPTS of the région with the most: ``/api/v1/cpts?region=R``, our OGC items (default
  simplification of ~50 m, and ``zoom=22``: full detail, for bytes like the peers'), tipg's and
  pygeoapi's items of the ``cpts`` table filtered by ``region`` with the same public columns;
- the communes of two départements (06: 163, 62: 890): our OGC items (default and ``zoom=22``),
  ``/api/v1/communes?departement=D``, tipg's and pygeoapi's items of the ``commune`` table.

Every request asks for the whole set (``limit=1000``; tipg and pygeoapi return 10 features
by default, which would flatter them), and the feature counts are checked equal.

Flag (figure ``… fastest peer ÷ ours``, target ≤ 1): ours at least as fast as pygeoapi and tipg.
"""
from __future__ import annotations

import http.client
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import text

from tests.benchmarks import peers
from tests.benchmarks.run import percentile

CONCURRENCY = 4
ROUNDS = 4
PER_ROUND = 20  # requests per target per round
DEPARTEMENTS = ("06", "62")  # 163 and 890 communes
CPTS_COLUMNS = ["slug", "name", "status", "region", "population", "population_year",
                "area_km2", "size_category", "territory_kind"]
COMMUNE_COLUMNS = ["name", "kind", "parent_code", "population", "population_year",
                   "departement", "region", "area_km2"]


def _burst(port: int, path: str, n: int) -> tuple[float, list[float], int]:
    """``n`` GETs from ``CONCURRENCY`` threads: (wall seconds, latencies in ms, bytes of the
    last response)."""
    latencies: list[float] = []
    size = [0]
    errors: list[str] = []
    share = [n // CONCURRENCY + (i < n % CONCURRENCY) for i in range(CONCURRENCY)]

    def client(count: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            for _ in range(count):
                t0 = time.perf_counter()
                conn.request("GET", path, headers={"Accept": "application/geo+json"})
                resp = conn.getresponse()
                body = resp.read()
                latencies.append((time.perf_counter() - t0) * 1000)
                if resp.status != 200:
                    errors.append(f"{path}: {resp.status} {body[:200]!r}")
                size[0] = len(body)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in share]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise RuntimeError(errors[0])
    return wall, latencies, size[0]


def _count(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Accept": "application/geo+json"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"{path}: {resp.status} {body[:300]!r}")
    return len(json.loads(body)["features"])


def _compare(report, title: str, targets: dict[str, tuple[int, str]], ours: list[str]) -> None:
    """Interleaved bursts over ``targets`` (label -> (port, path)); records each target's
    figures and, for each of ``ours``, the fastest peer's req/s over its own."""
    counts = {label: _count(port, path) for label, (port, path) in targets.items()}
    if len(set(counts.values())) != 1:
        raise RuntimeError(f"{title}: feature counts differ {counts}")
    for label, (port, path) in targets.items():  # warm-up: caches, plans, pools
        _burst(port, path, CONCURRENCY)
    wall = dict.fromkeys(targets, 0.0)
    lat: dict[str, list[float]] = {label: [] for label in targets}
    size = dict.fromkeys(targets, 0)
    labels = list(targets)
    for r in range(ROUNDS):
        for label in labels[r % len(labels):] + labels[:r % len(labels)]:
            port, path = targets[label]
            w, ms, b = _burst(port, path, PER_ROUND)
            wall[label] += w
            lat[label] += ms
            size[label] = b
    rps = {label: len(lat[label]) / wall[label] for label in targets}
    n = next(iter(counts.values()))
    for label in targets:
        report.record(f"{title} ({n} features) {label} req/s", rps[label], "req/s")
        report.record(f"{title} {label} p50", statistics.median(lat[label]), "ms")
        report.record(f"{title} {label} p95", percentile(lat[label], 95), "ms")
        report.record(f"{title} {label} size", size[label] / 1024, "KB")
    peer_labels = [label for label in targets if label in ("tipg", "pygeoapi")]
    for label in ours:
        best = max(rps[p] for p in peer_labels)
        report.record(f"{title} {label}: fastest peer's req/s ÷ ours (≤ 1: at least as fast "
                      f"as pygeoapi and tipg)", best / rps[label], "×", 1.0)


def _servers(report, url: str, workdir: Path) -> dict | None:
    bins = {}
    for name in ("tipg", "pygeoapi"):
        bin_dir, why = peers.venv(name)
        if bin_dir is None:
            report.note(f"skipped: {why}")
            return None
        bins[name] = bin_dir
    started = {"ours": peers.ours(url, workdir)}
    try:
        started["tipg"] = peers.tipg(bins["tipg"], url, ["public.cpts", "public.commune"],
                                     workdir)
        started["pygeoapi"] = peers.pygeoapi(bins["pygeoapi"], url, {
            "cpts": {"table": "cpts", "id_field": "id", "properties": CPTS_COLUMNS},
            "communes": {"table": "commune", "id_field": "code",
                         "properties": COMMUNE_COLUMNS}}, workdir)
    except Exception:
        for server in started.values():
            server.close()
        raise
    return started


def run(report) -> None:
    from tests.benchmarks.bench_ars import _load

    url, db = _load(report)
    with db.session_scope() as session:
        region, n_cpts = session.execute(text(
            "SELECT region, count(*) FROM cpts GROUP BY region ORDER BY count(*) DESC "
            "LIMIT 1")).one()
    db.engine.dispose()
    report.note(f"busiest région {region}: {n_cpts} CPTS; concurrency {CONCURRENCY}, "
                f"{ROUNDS} rounds of {PER_ROUND} requests per target")
    workdir = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    servers = _servers(report, url, workdir)
    if servers is None:
        return
    try:
        load = os.getloadavg()
        _measure(report, servers, region)
        report.note(f"load average (1, 5, 15 min) before {load}, after {os.getloadavg()} "
                    f"(others share the CPU)")
    finally:
        for server in servers.values():
            server.close()


def _measure(report, servers: dict, region: str) -> None:
    o, t, p = (servers[k].port for k in ("ours", "tipg", "pygeoapi"))
    cols = ",".join(CPTS_COLUMNS)
    _compare(report, f"CPTS of région {region}", {
        "ours /api/v1/cpts": (o, f"/api/v1/cpts?region={region}"),
        "ours OGC": (o, f"/ogc/collections/cpts/items?region={region}&limit=1000"),
        "ours OGC zoom=22": (o, f"/ogc/collections/cpts/items?region={region}&limit=1000"
                                "&zoom=22"),
        "tipg": (t, f"/collections/public.cpts/items?region={region}&limit=1000"
                    f"&properties={cols}"),
        "pygeoapi": (p, f"/collections/cpts/items?region={region}&limit=1000&f=json"),
    }, ["ours /api/v1/cpts", "ours OGC", "ours OGC zoom=22"])
    cols = ",".join(COMMUNE_COLUMNS)
    for dep in DEPARTEMENTS:
        _compare(report, f"communes of département {dep}", {
            "ours OGC": (o, f"/ogc/collections/communes/items?departement={dep}&limit=1000"),
            "ours OGC zoom=22": (o, f"/ogc/collections/communes/items?departement={dep}"
                                    "&limit=1000&zoom=22"),
            "ours /api/v1/communes": (o, f"/api/v1/communes?departement={dep}"),
            "tipg": (t, f"/collections/public.commune/items?departement={dep}&limit=1000"
                        f"&properties={cols}"),
            "pygeoapi": (p, f"/collections/communes/items?departement={dep}&limit=1000"
                            "&f=json"),
        }, ["ours OGC", "ours OGC zoom=22", "ours /api/v1/communes"])
