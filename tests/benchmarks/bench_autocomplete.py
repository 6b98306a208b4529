"""Address autocomplete from cache: ``GET /api/v1/adresses`` through real HTTP (waitress).

Target (issue 11): p95 ≤ 50 ms over 500 requests answered from the cache of suggestion lists.
The BAN is the local stand-in (tests/standins) with a few hundred addresses; every query is
asked once first (the cache fills), then 500 requests cycle through them and the stand-in must
not see a single one of them.
"""
from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlencode

from tests.benchmarks.run import BenchServer
from tests.standins import BanEntry, BanStandIn

STREETS = ["Rue de la Paix", "Avenue du Général Leclerc", "Rue Daguerre", "Boulevard Raspail",
           "Rue d'Alésia", "Avenue du Maine", "Rue de Vanves", "Rue Didot"]
REQUESTS = 500


def address_book() -> dict[str, BanEntry]:
    book = {}
    for i, street in enumerate(STREETS):
        for number in range(1, 41):
            entry = BanEntry(lon=2.30 + i * 0.005, lat=48.82 + number * 0.0005, score=0.8,
                             housenumber=str(number), street=street, postcode="75014",
                             citycode="75114", city="Paris", context="75, Paris, Île-de-France")
            book[f"{number} {street} paris"] = entry
    return book


def typed_queries() -> list[str]:
    """What people type on their way to an address: prefixes of growing length."""
    out = []
    for street in STREETS:
        for number in (1, 4, 12, 27):
            text = f"{number} {street}"
            out += [text[:n] for n in (6, 9, 13, len(text))]
    return list(dict.fromkeys(q for q in out if len(q.strip()) >= 3))


def run(report) -> None:
    url = report.new_database("autocomplete")
    with BanStandIn(address_book()) as ban:
        server = BenchServer(url, ban_base_url=ban.base_url, autocomplete_rate=1e6,
                             autocomplete_burst=1_000_000)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            def get(q: str) -> dict:
                conn.request("GET", "/api/v1/adresses?" + urlencode({"q": q, "limit": 5}))
                resp = conn.getresponse()
                body = resp.read()
                assert resp.status == 200, body[:300]
                return json.loads(body)

            queries = typed_queries()
            for q in queries:  # fill the cache
                get(q)
            asked = len(ban.search_requests())
            samples, found = [], 0
            for i in range(REQUESTS):
                t0 = time.perf_counter()
                body = get(queries[i % len(queries)])
                samples.append((time.perf_counter() - t0) * 1000)
                found += len(body["suggestions"])
            report.record_latencies(f"autocomplete from cache ({REQUESTS} requests)", samples, 50)
            report.note(f"{len(queries)} distinct queries, {found / REQUESTS:.1f} suggestions "
                        f"per answer, {len(ban.search_requests()) - asked} BAN requests while "
                        "measuring (expected 0)")
            assert len(ban.search_requests()) == asked, "the cache was bypassed"
        finally:
            conn.close()
            time.sleep(0.2)  # let waitress see the connection go before its loop closes
            server.close()
