"""Permanences benchmark (issue 12): the iCalendar feed of a CPTS with 2 000 permanences.

One CPTS, 40 places, one public campaign over a season with 2 000 permanences (generated
set-based). ``GET /cpts/<slug>/permanences.ics`` over HTTP (waitress, as ``mapper serve``):

* **cold**: the first request after the server starts (every event serialised by
  ``icalendar``);
* **warm**: the requests after it (the rows' digest is computed in the database every time;
  an unchanged feed is served from memory) — target p95 ≤ 200 ms;
* **one change**: a request after one permanence changed (rows read, the calendar built, one
  event serialised again by ``icalendar``, the others reused) — target ≤ 200 ms.
"""
from __future__ import annotations

import http.client
import time

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.run import BenchServer

N = 2_000
REQUESTS = 30


def generate(db: Database) -> str:
    with db.session_scope() as s:
        cpts_id = s.execute(text("""
            INSERT INTO cpts (name, slug, status, region, territory_kind, geom, embed_origins)
            VALUES ('CPTS Bench Permanences', 'bench-permanences', 'projet', '11', 'drawn',
                    ST_Multi(ST_MakeEnvelope(2.30, 48.80, 2.40, 48.85, 4326)), '{}')
            RETURNING id""")).scalar_one()
        s.execute(text("""
            INSERT INTO place (cpts_id, name, kind, address, postcode, commune_name, phone,
                               accessible, geom, precision, geocode_source, geocode_status)
            SELECT :c, 'Centre de santé ' || n, 'centre_sante', n || ' rue de la Santé',
                   '75013', 'Paris', '0145' || lpad(n::text, 6, '0'), n % 2 = 0,
                   ST_SetSRID(ST_MakePoint(2.30 + n * 0.002, 48.80 + n * 0.001), 4326),
                   'address', 'given', 'ok'
            FROM generate_series(1, 40) n"""), {"c": cpts_id})
        campaign_id = s.execute(text("""
            INSERT INTO campaign (cpts_id, slug, name, kind, starts_on, ends_on, public,
                                  description)
            VALUES (:c, 'grippe', 'Vaccination antigrippale', 'vaccination_grippe',
                    current_date, current_date + 180, true, 'Bench') RETURNING id"""),
            {"c": cpts_id}).scalar_one()
        s.execute(text("""
            INSERT INTO permanence (campaign_id, place_id, on_date, start_time, end_time,
                                    starts_at, ends_at, appointment, notes, capacity,
                                    sequence)
            SELECT :k, p.id, d, t, t + interval '3 hours',
                   (d + t) AT TIME ZONE 'Europe/Paris',
                   (d + t + interval '3 hours') AT TIME ZONE 'Europe/Paris',
                   (ARRAY['sans_rdv', 'sur_rdv', 'les_deux'])[1 + n % 3],
                   'Apportez votre carte Vitale et votre bon de prise en charge', 40, n % 3
            FROM generate_series(0, :n - 1) n
            CROSS JOIN LATERAL (SELECT current_date + (n / 12) AS d,
                                       time '08:00' + (n % 4) * interval '3 hours' AS t) x
            JOIN place p ON p.cpts_id = :c
                        AND p.name = 'Centre de santé ' || (1 + n % 40)"""),
            {"k": campaign_id, "c": cpts_id, "n": N})
        count = s.execute(text("SELECT count(*) FROM permanence")).scalar_one()
        assert count == N, count
        return "bench-permanences"


def _get(server: BenchServer, path: str) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    t0 = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    ms = (time.perf_counter() - t0) * 1000
    conn.close()
    return ms, resp.status, body


def run(report) -> None:
    url = report.new_database()
    db = Database(url, 3_600_000)
    slug = generate(db)
    server = BenchServer(url)
    path = f"/cpts/{slug}/permanences.ics"
    try:
        cold, status, body = _get(server, path)
        assert status == 200 and body.count(b"BEGIN:VEVENT") == N, (status, body[:300])
        report.record(f"GET permanences.ics ({N} events), cold", cold, "ms")
        samples = [_get(server, path)[0] for _ in range(REQUESTS)]
        report.record_latencies(f"GET permanences.ics ({N} events), warm", samples, 200)
        with db.session_scope() as s:
            s.execute(text("UPDATE permanence SET sequence = sequence + 1, updated_at = now() "
                           "WHERE id = (SELECT min(id) FROM permanence)"))
        changed, status, _ = _get(server, path)
        report.record(f"GET permanences.ics ({N} events), after one change", changed, "ms", 200)
        report.note(f"feed size {len(body) / 1e6:.2f} MB")
    finally:
        server.close()
        db.engine.dispose()
