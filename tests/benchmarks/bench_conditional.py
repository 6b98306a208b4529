"""Conditional public reads (issue 16): a repeated public GET with ``If-None-Match`` answers
``304`` (``mapper.http.conditional``) — target ≤ 5 ms p95 — for a widget, a GeoJSON collection
and OGC items, through real HTTP (waitress, one kept-alive connection per URL) against the
500-member CPTS of the maps benchmark (``bench_maps.generate``). The full ``200`` of each URL
is reported beside it (median), and the load of the machine with the figures.
"""
from __future__ import annotations

import http.client
import os
import statistics

from mapper.db import Database
from tests.benchmarks.bench_maps import generate
from tests.benchmarks.run import BenchServer, timed

REPEAT = 400
URLS = {"widget": "/embed/cpts/bench-500",
        "GeoJSON": "/api/v1/cpts?region=11",
        "OGC items": "/ogc/collections/professionals/items?limit=100"}
HEADERS = {"Accept-Encoding": "br, gzip", "Accept-Language": "fr-FR,fr;q=0.9"}


def _get(conn: http.client.HTTPConnection, path: str, headers: dict) -> http.client.HTTPResponse:
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    resp.read()
    return resp


def bench_url(report, server: BenchServer, name: str, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        first = _get(conn, path, HEADERS)
        assert first.status == 200, (path, first.status)
        etag = first.getheader("ETag")
        assert etag, path
        full = timed(lambda: _get(conn, path, HEADERS), repeat=20)
        conditional = {**HEADERS, "If-None-Match": etag}

        def revalidate():
            resp = _get(conn, path, conditional)
            assert resp.status == 304, (path, resp.status)

        for attempt in range(3):  # a minute boundary moves the widget's and the items' tags
            try:
                ms = timed(revalidate, repeat=REPEAT, warmup=20)
                break
            except AssertionError:
                if attempt == 2:
                    raise
                conditional["If-None-Match"] = _get(conn, path, HEADERS).getheader("ETag")
        report.record_latencies(f"{name}: 304 on If-None-Match", ms, target_p95=5)
        report.record(f"{name}: full 200 (br), median", statistics.median(full), "ms")
    finally:
        conn.close()


def run(report) -> None:
    url = report.new_database()
    db = Database(url, 60_000)
    generate(db, {"bench-500": 500})
    db.engine.dispose()
    server = BenchServer(url)
    try:
        for name, path in URLS.items():
            bench_url(report, server, name, path)
    finally:
        server.close()
    report.note(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
