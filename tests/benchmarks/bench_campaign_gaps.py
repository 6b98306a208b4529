"""Campaign gaps benchmark (issue 12): the communes of a 40-commune territory farther than
5 km from every permanence of a campaign, through real HTTP (waitress).

Set-up: the real communes of the Rhône (communes-69.geojson) with their populations when the
open-data pack is present, else a generated 7×7 grid; a CPTS of the 40 communes nearest to
Vénissieux's point on surface (a contiguous territory, like the founding CPTS); a campaign of
60 permanences at 15 places drawn inside the territory. Target: p95 ≤ 300 ms.
"""
from __future__ import annotations

import http.client
import json
import random
import time
from datetime import date, time as clock

from sqlalchemy import text

N_COMMUNES = 40
N_PLACES = 15
N_PERMANENCES = 60
REPEAT = 100


def _communes(report, db, tmp) -> None:
    from mapper.imports.communes import import_communes_file
    from mapper.imports.population import import_population_file

    if report.shared_data is not None:
        with db.session_scope() as session:
            import_communes_file(session, report.shared_data / "communes" /
                                 "communes-69.geojson", population_year=2023)
        with db.session_scope() as session:
            import_population_file(session, report.shared_data / "communes_population.csv",
                                   2023)
        report.note("real communes of the Rhône (open-data pack)")
        return
    from tests.factories.geo import grid_communes, write_geojson

    path = write_geojson(tmp / "grid.geojson", grid_communes("69", (4.80, 45.65), 7, 0.04))
    with db.session_scope() as session:
        import_communes_file(session, path, population_year=2023)
    report.note("no open-data pack: a generated 7×7 grid of communes")


def _world(db) -> int:
    """The CPTS, its places and the campaign; returns the campaign's id."""
    from mapper.auth.principal import Principal
    from mapper.config import Settings
    from mapper.services.territories import create_cpts
    from tests.permanences_public.builders import campaign, permanence, place

    rng = random.Random(12)
    with db.session_scope() as session:
        codes = list(session.scalars(text(
            "SELECT code FROM commune WHERE code <> '69123' "  # Lyon: by arrondissement
            "ORDER BY ST_PointOnSurface(geom) <-> "
            "(SELECT ST_PointOnSurface(geom) FROM commune "
            " ORDER BY (name = 'Vénissieux') DESC, code LIMIT 1) LIMIT :n"),
            {"n": N_COMMUNES}))
        cpts = create_cpts(session, Principal.system("bench"), name="CPTS bench gaps",
                           communes=codes, settings=Settings.from_env({}))
        box = session.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            "(SELECT ST_Extent(geom) AS e FROM cpts WHERE id = :id) s"), {"id": cpts.id}).one()
        c = campaign(session, cpts.id)
        places = [place(session, cpts.id, f"Lieu {i}", rng.uniform(box[1], box[3]),
                        rng.uniform(box[0], box[2])) for i in range(N_PLACES)]
        for i in range(N_PERMANENCES):
            permanence(session, c, places[i % N_PLACES], date(2026, 10, 1 + i % 28),
                       clock(9 + i % 5), clock(12 + i % 5))
        return c.id


def run(report) -> None:
    import tempfile
    from pathlib import Path

    from mapper.db import Database
    from tests.benchmarks.run import BenchServer, timed

    url = report.new_database("campaign_gaps")
    db = Database(url, 600_000)
    t0 = time.perf_counter()
    _communes(report, db, Path(tempfile.mkdtemp(prefix="bench-gaps-")))
    campaign_id = _world(db)
    report.note(f"set-up in {time.perf_counter() - t0:.1f} s")
    server = BenchServer(url)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port)

        def gaps():
            conn.request("GET", f"/api/v1/campaigns/{campaign_id}/gaps?distance_km=5")
            resp = conn.getresponse()
            body = json.loads(resp.read())
            assert resp.status == 200 and body["communes_total"] == N_COMMUNES, body
            return body

        first = gaps()
        report.note(f"{first['communes_uncovered']} of {first['communes_total']} communes "
                    f"uncovered at 5 km, {first['population_uncovered']} inhabitants "
                    f"({first['share_uncovered']:.1%}) of {first['population_total']}")
        report.record_latencies("GET /campaigns/<id>/gaps, 40 communes, 5 km (HTTP)",
                                timed(gaps, REPEAT, warmup=5), 300)
        conn.close()
    finally:
        server.close()
        db.engine.dispose()
