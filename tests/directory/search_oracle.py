"""The search's oracle: a directory generated at random (seeded), written to the database, and
recomputed in Python — haversine distances on the sphere of PostGIS's geography (mean radius
6 371 008.7714 m), filters, zone containment for axis-aligned boxes, and opening hours as
wall-clock intervals in Europe/Paris (via zoneinfo)."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from mapper.services.directory import SearchQuery, search_professionals

PARIS = ZoneInfo("Europe/Paris")
R = 6371008.7714
X0, Y0, X1, Y1 = 2.25, 48.80, 2.45, 49.00
PROFS = ["10", "60", "70", "21", "psychologue"]
COMPS = ["diabete", "etp", "pediatrie", "soins-palliatifs"]


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(a))


@dataclass
class Pro:
    id: int
    profession: str
    sites: list[tuple[float, float]]
    competencies: set[str]
    accepts: bool | None
    accessible: bool | None
    languages: list[str]
    cpts: bool
    zones: list[tuple[float, float, float, float]] = field(default_factory=list)
    slots: list[tuple] = field(default_factory=list)  # (weekday, start, end, kind, from, to)


def _slots(rng) -> list[tuple]:
    out = []
    for _ in range(rng.randint(0, 3)):
        wd = rng.randint(1, 7)
        st = time(rng.choice([0, 6, 8, 14, 20, 22, 23]), rng.choice([0, 30]))
        en = time(rng.choice([1, 2, 3, 8, 12, 18, 20, 23]), rng.choice([0, 30]))
        if st == en:
            continue
        vf = rng.choice([None, None, date(2026, 3, 1), date(2026, 10, 20)])
        vt = rng.choice([None, None, date(2026, 3, 29), date(2026, 12, 31)])
        if vf and vt and vt < vf:
            vt = None
        out.append((wd, st, en, rng.choice(["snp", "vaccination", "permanence"]), vf, vt))
    return out


def generate_directory(session, cpts_id: int, seed: int = 20261129) -> list[Pro]:
    """400 professionals with sites, zones, slots, competencies; about half in ``cpts_id``."""
    rng = random.Random(seed)
    comp_ids = dict(session.execute(text("SELECT slug, id FROM competency WHERE slug = ANY(:s)"),
                                    {"s": COMPS}).all())
    pros = []
    for i in range(400):
        n_sites = rng.choice([0, 1, 1, 1, 1, 2])
        sites = [(rng.uniform(Y0, Y1), rng.uniform(X0, X1)) for _ in range(n_sites)]
        zones = []
        for _ in range(rng.choice([0, 0, 1, 2])):
            x, y = rng.uniform(X0, X1), rng.uniform(Y0, Y1)
            w, h = rng.uniform(0.01, 0.08), rng.uniform(0.01, 0.08)
            zones.append((x, y, x + w, y + h))
        pros.append(Pro(0, rng.choice(PROFS), sites, set(rng.sample(COMPS, rng.randint(0, 2))),
                        rng.choice([True, False, None]), rng.choice([True, False, None]),
                        rng.choice([["fr"], ["fr", "en"], ["fr", "ar"]]), rng.random() < 0.5,
                        zones, _slots(rng)))
    for p in pros:
        p.id = session.execute(text("""
            INSERT INTO professional (first_name, last_name, profession_code, accepts_new_patients,
                                      accessible, languages, source, last_verified_at)
            VALUES ('P', :ln, :prof, :acc, :access, CAST(:langs AS varchar[]), 'api', now())
            RETURNING id"""), {"ln": f"NOM{rng.randint(0, 10**6):07d}", "prof": p.profession,
                                "acc": p.accepts, "access": p.accessible,
                                "langs": p.languages}).scalar_one()
        for k, (lat, lon) in enumerate(p.sites):
            session.execute(text("""
                INSERT INTO practice_site (professional_id, address, address_key, geom,
                                           geocode_source, geocode_status, precision)
                VALUES (:pid, :a, :a, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'given', 'ok',
                        'address')"""), {"pid": p.id, "a": f"{k} rue {p.id}", "lat": lat, "lon": lon})
        for x0, y0, x1, y1 in p.zones:
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, geom)
                VALUES (:pid, 'drawn', ST_Multi(ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)))"""),
                            {"pid": p.id, "x0": x0, "y0": y0, "x1": x1, "y1": y1})
        for slug in p.competencies:
            session.execute(text("INSERT INTO professional_competency VALUES (:pid, :cid)"),
                            {"pid": p.id, "cid": comp_ids[slug]})
        for wd, st, en, kind, vf, vt in p.slots:
            session.execute(text("""
                INSERT INTO slot (professional_id, weekday, start_time, end_time, kind,
                                  valid_from, valid_to)
                VALUES (:pid, :wd, :st, :en, :kind, :vf, :vt)"""),
                            {"pid": p.id, "wd": wd, "st": st, "en": en, "kind": kind, "vf": vf,
                             "vt": vt})
        if p.cpts:
            session.execute(text("INSERT INTO cpts_member (cpts_id, professional_id) "
                                 "VALUES (:c, :p)"), {"c": cpts_id, "p": p.id})
    return pros


def open_at(p: Pro, at: datetime, kind: str | None = None) -> bool:
    """Wall-clock occurrences of each weekly slot as naive Paris intervals."""
    local = at.astimezone(PARIS).replace(tzinfo=None)
    for wd, st, en, k, vf, vt in p.slots:
        if kind and k != kind:
            continue
        for day in (local.date() - timedelta(days=1), local.date()):
            if day.isoweekday() != wd or (vf and day < vf) or (vt and day > vt):
                continue
            start = datetime.combine(day, st)
            end = datetime.combine(day + timedelta(days=1) if en <= st else day, en)
            if start <= local < end:
                return True
    return False


def covers(p: Pro, lat: float, lon: float) -> bool:
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, y0, x1, y1 in p.zones)


def expected(pros, q: SearchQuery) -> list[tuple[int, float | None]]:
    out = []
    for p in pros:
        if q.professions and p.profession not in q.professions:
            continue
        if not set(q.competencies) <= p.competencies:
            continue
        if q.accepting_new_patients is not None and bool(p.accepts) != q.accepting_new_patients:
            continue
        if q.accessible is not None and bool(p.accessible) != q.accessible:
            continue
        if q.language and q.language not in p.languages:
            continue
        if q.cpts is not None and not p.cpts:
            continue
        if q.open_at is not None and not open_at(p, q.open_at, q.slot_kind):
            continue
        if q.covers is not None and not covers(p, *q.covers):
            continue
        ref = q.near or q.covers
        d = min((haversine(*ref, *s) for s in p.sites), default=None) if ref else None
        if q.near and d is None and q.covers is None:
            continue
        if q.radius_km is not None and (d is None or d > q.radius_km * 1000):
            continue
        out.append((p.id, d))
    out.sort(key=lambda t: (t[1] is None, t[1] or 0))
    return out


def check(session, pros, q: SearchQuery):
    got = search_professionals(session, q)
    want = expected(pros, q)
    limit = q.limit or 20
    assert len(got) == min(limit, len(want)), (len(got), len(want))
    # Same distances in the same order (to the millimetre), same ids except among ties.
    for g, (wid, wd) in zip(got, want):
        if wd is None:
            assert g["distance_km"] is None
        else:
            assert g["distance_km"] == pytest.approx(wd / 1000, abs=2e-3)
    dist = [g["distance_km"] for g in got if g["distance_km"] is not None]
    assert dist == sorted(dist)
    if q.near or q.covers:
        want_ids = {w[0] for w in want[:limit]}
        got_ids = {g["id"] for g in got}
        boundary = want[limit - 1][1] if len(want) >= limit and want[limit - 1][1] else None
        for pid in got_ids ^ want_ids:  # only ties at the boundary may differ
            d = dict(want).get(pid)
            assert boundary is not None and d is not None and abs(d - boundary) < 1
    else:
        assert {g["id"] for g in got} <= {w[0] for w in want}
    return got
