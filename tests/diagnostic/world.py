"""A small random world for the diagnostic: two départements of square communes side by side
(01, région 84, and 38 beyond its eastern edge), some with no population, random professionals
of three professions with one or two sites (some just outside any territory drawn from 01),
intervention zones around some sites. Written with plain SQL in the test's transaction: the
diagnostic reads the tables, nothing more."""
from __future__ import annotations

import math
import random

from sqlalchemy import text

from tests.factories.geo import grid_communes, write_geojson
from mapper.imports.communes import import_communes_file

ORIGIN, STEP, N = (4.0, 45.0), 0.05, 6
PROFESSIONS = ("10", "60", "50")
EARTH_RADIUS = 6_371_008.7714  # PostGIS's sphere: (2a + b) / 3 of WGS84


def load_communes(session, tmp_path, rng: random.Random) -> list[str]:
    codes = []
    for dep, dx in (("01", 0.0), ("38", N * STEP)):
        fc = grid_communes(dep, (ORIGIN[0] + dx, ORIGIN[1]), N, STEP)
        report = import_communes_file(session, write_geojson(tmp_path / f"g{dep}.geojson", fc),
                                      population_year=2023)
        assert report.ok, report.lines()
        codes += [f"{dep}{k:03d}" for k in range(1, N * N + 1)]
    session.execute(text("UPDATE commune SET population = :p WHERE code = ANY(:c)"),
                    {"c": rng.sample(codes, 8), "p": 0})
    return codes


def add_professionals(session, rng: random.Random, n: int = 160) -> None:
    """Sites anywhere over both grids, and a band just east of the last one (outside)."""
    for i in range(n):
        prof = rng.choice(PROFESSIONS)
        pid = session.execute(text(
            "INSERT INTO professional (last_name, profession_code, accepts_new_patients, source)"
            " VALUES (:n, :p, :a, 'api') RETURNING id"),
            {"n": f"P{i}", "p": prof, "a": rng.choice([True, False, None])}).scalar_one()
        for k in range(1 if rng.random() < 0.8 else 2):
            lon = ORIGIN[0] + rng.uniform(-0.05, 2 * N * STEP + 0.1)
            lat = ORIGIN[1] + rng.uniform(-0.05, N * STEP + 0.05)
            located = rng.random() > 0.05
            session.execute(text("""
                INSERT INTO practice_site (professional_id, profession_code, address,
                    address_key, commune_code, geom, precision, geocode_status, geocode_source,
                    source)
                SELECT :pid, :prof, :a, :a,
                       (SELECT code FROM commune WHERE ST_Covers(geom, pt) ORDER BY code LIMIT 1),
                       CASE WHEN :located THEN pt END, CASE WHEN :located THEN 'address' END,
                       CASE WHEN :located THEN 'ok' ELSE 'pending' END,
                       CASE WHEN :located THEN 'given' END, 'api'
                FROM (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS pt) x"""),
                {"pid": pid, "prof": prof, "a": f"{i} rue {k}", "lon": lon, "lat": lat,
                 "located": located})
        if rng.random() < 0.3:
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, radius_km, geom)
                SELECT :pid, 'radius', :r, ST_Multi(ST_Buffer(geom::geography, :r * 1000)::geometry)
                FROM practice_site WHERE professional_id = :pid AND geom IS NOT NULL LIMIT 1"""),
                {"pid": pid, "r": rng.uniform(1, 6)})


def haversine(lon1, lat1, lon2, lat2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(math.sqrt(h))
