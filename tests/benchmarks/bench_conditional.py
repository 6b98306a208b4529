"""Conditional public reads (issue 16): a repeated public GET with ``If-None-Match`` answers
``304`` (``mapper.http.conditional``) — target ≤ 5 ms p95 — for a widget, a GeoJSON collection
and OGC items, through real HTTP (waitress, one kept-alive connection per URL) against the
500-member CPTS of the maps benchmark (``bench_maps.generate``). The full ``200`` of each URL
is reported beside it (median), with the CPU time per 304 of the benchmark's process (server
and client: what a loaded machine does not change) and the load of the machine.
"""
from __future__ import annotations

import http.client
import os
import statistics
import time

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
                cpu = time.process_time()
                ms = timed(revalidate, repeat=REPEAT, warmup=20)
                cpu = (time.process_time() - cpu) * 1000 / (REPEAT + 20)
                break
            except AssertionError:
                if attempt == 2:
                    raise
                conditional["If-None-Match"] = _get(conn, path, HEADERS).getheader("ETag")
        report.record_latencies(f"{name}: 304 on If-None-Match", ms, target_p95=5)
        report.record(f"{name}: full 200 (br), median", statistics.median(full), "ms")
        # CPU of this process (server and client) per 304: what the load of the machine does
        # not change
        report.record(f"{name}: CPU per 304, server + client", cpu, "ms")
    finally:
        conn.close()


def floor(report) -> None:
    """The same loop against a bare WSGI function that answers 304 under the same waitress:
    the part of each figure the server and the client take, whatever the app does."""
    import threading

    from waitress.server import create_server

    def bare(environ, start_response):
        start_response("304 Not Modified", [("ETag", '"x"')])
        return [b""]

    server = create_server(bare, host="127.0.0.1", port=0, threads=4, ident="bench")
    threading.Thread(target=server.run, daemon=True).start()
    conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=60)
    try:
        ms = timed(lambda: _get(conn, "/", {"If-None-Match": '"x"'}), repeat=REPEAT, warmup=20)
        report.record_latencies("floor: bare WSGI 304 under waitress", ms)
    finally:
        conn.close()
        server.close()


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
    floor(report)
    report.note(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
