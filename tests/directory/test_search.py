"""Search against an independent brute-force computation on generated data.

The oracle recomputes everything in Python from the generated rows: haversine distances on the
sphere of PostGIS's geography (mean radius 6 371 008.7714 m), filters, zone containment for
axis-aligned boxes, and opening hours as wall-clock intervals in Europe/Paris (via zoneinfo).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from mapper.services.search import SearchQuery, cpts_professionals, search_professionals

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


@pytest.fixture()
def directory(session, two_cpts):
    rng = random.Random(20261129)
    cpts_id = two_cpts[0]
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
    session.commit()
    return pros, cpts_id


# -- the oracle -----------------------------------------------------------------------------

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


NEAR = [(48.83, 2.32), (48.90, 2.35), (48.99, 2.44), (48.80, 2.25), (48.95, 2.28)]


@pytest.mark.parametrize("near", NEAR)
@pytest.mark.parametrize("limit", [1, 7, 20, 200])
def test_nearest_in_true_distance_order(session, directory, near, limit):
    pros, _ = directory
    check(session, pros, SearchQuery(near=near, limit=limit))


@pytest.mark.parametrize("extra", [
    {"professions": ["60"]}, {"professions": ["60", "psychologue"]},
    {"competencies": ["diabete"]}, {"competencies": ["diabete", "etp"]},
    {"accepting_new_patients": True}, {"accepting_new_patients": False},
    {"accessible": True}, {"language": "en"}, {"cpts": "cpts-paris-14"},
    {"radius_km": 3.0}, {"radius_km": 0.8, "professions": ["10"]},
    {"professions": ["92"]},  # nobody
    {"professions": ["70"], "competencies": ["etp"], "language": "ar", "limit": 50},
])
@pytest.mark.parametrize("near", NEAR[:3])
def test_each_filter_matches_the_brute_force(session, directory, near, extra):
    pros, cpts_id = directory
    check(session, pros, SearchQuery(near=near, **extra))


@pytest.mark.parametrize("point", [(48.84, 2.31), (48.92, 2.40), (48.86, 2.27), (48.99, 2.26)])
@pytest.mark.parametrize("extra", [{}, {"professions": ["60", "10"]}, {"limit": 200},
                                   {"near": (48.85, 2.35)}, {"near": (48.85, 2.35), "radius_km": 4}])
def test_covers_matches_the_brute_force(session, directory, point, extra):
    pros, _ = directory
    got = check(session, pros, SearchQuery(covers=point, **extra))
    assert all(covers(next(p for p in pros if p.id == g["id"]), *point) for g in got)


INSTANTS = [
    # around midnight, ordinary days (CET and CEST)
    "2026-01-12T23:59:00+01:00", "2026-01-13T00:00:00+01:00", "2026-01-13T00:30:00+01:00",
    "2026-06-14T23:45:00+02:00", "2026-06-15T00:15:00+02:00", "2026-06-15T01:59:00+02:00",
    # spring forward: 2026-03-29 02:00 CET becomes 03:00 CEST
    "2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z",
    "2026-03-28T23:10:00Z", "2026-03-29T22:30:00Z",
    # fall back: 2026-10-25 03:00 CEST becomes 02:00 CET (02:xx happens twice)
    "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:05:00Z",
    "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z",
]


@pytest.mark.parametrize("instant", INSTANTS)
def test_open_at_around_midnight_and_dst(session, directory, instant):
    pros, _ = directory
    at = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    check(session, pros, SearchQuery(near=(48.9, 2.35), open_at=at, limit=200))
    check(session, pros, SearchQuery(open_at=at, limit=200))
    check(session, pros, SearchQuery(near=(48.9, 2.35), open_at=at, slot_kind="snp", limit=200))


def test_naive_open_at_is_paris_wall_clock(session, directory):
    pros, _ = directory
    naive = datetime(2026, 3, 29, 3, 30)
    aware = datetime(2026, 3, 29, 3, 30, tzinfo=PARIS)
    a = search_professionals(session, SearchQuery(open_at=naive, limit=200))
    b = search_professionals(session, SearchQuery(open_at=aware, limit=200))
    assert [r["id"] for r in a] == [r["id"] for r in b]


def test_filters_without_location_are_ordered_by_name(session, directory):
    pros, _ = directory
    got = check(session, pros, SearchQuery(professions=["21"], limit=200))
    names = [(r["last_name"], r["first_name"], r["id"]) for r in got]
    assert names == sorted(names)


def test_cpts_professionals_has_every_member_with_search_fields(session, directory):
    pros, cpts_id = directory
    members = cpts_professionals(session, cpts_id)
    assert {m["id"] for m in members} == {p.id for p in pros if p.cpts}
    assert len(members) > 20
    keys = {"id", "first_name", "last_name", "profession", "profession_label", "competencies",
            "distance_km", "site", "next_slot", "phone", "accepts_new_patients", "stale"}
    assert keys <= set(members[0])
    nurses = cpts_professionals(session, cpts_id, professions=["60"], near=(48.9, 2.35))
    # With a location, only located members (a distance needs a site).
    assert {m["id"] for m in nurses} == {p.id for p in pros
                                         if p.cpts and p.profession == "60" and p.sites}
    assert [m["distance_km"] for m in nurses if m["distance_km"] is not None] == sorted(
        m["distance_km"] for m in nurses if m["distance_km"] is not None)


def test_next_slot_is_the_current_or_coming_opening(session, directory):
    pros, _ = directory
    at = datetime(2026, 6, 15, 0, 15, tzinfo=PARIS)
    got = search_professionals(session, SearchQuery(open_at=at, limit=200))
    assert got and all(r["next_slot"]["open_now"] for r in got if r["next_slot"])
    for r in got:
        slot = r["next_slot"]
        assert slot is not None
        assert datetime.fromisoformat(slot["starts_at"]) <= at < datetime.fromisoformat(slot["ends_at"])


def test_search_plan_is_index_driven_knn(session, directory):
    """The KNN query shape matches the partial GiST expression index (at this table size the
    planner would rather sort, so sequential and bitmap scans are ruled out to see the index
    path)."""
    session.execute(text("ANALYZE practice_site"))
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    plan = "\n".join(r[0] for r in session.execute(text("""
        EXPLAIN SELECT s.professional_id FROM practice_site s
        WHERE s.geom IS NOT NULL AND s.profession_code = '60'
        ORDER BY s.geom::geography <-> ST_SetSRID(ST_MakePoint(2.3, 48.8), 4326)::geography
        LIMIT 40""")))
    assert "idx_practice_site_profession_geog" in plan and "Sort" not in plan, plan


def test_api_search_json_and_geojson(client, directory):
    resp = client.get("/api/v1/professionals/search?near=48.85,2.33&profession=60&profession=10"
                      "&competency=diabete&limit=5")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["count"] == len(body["results"]) <= 5
    assert all(r["profession"] in ("60", "10") and "diabete" in r["competencies"]
               for r in body["results"])
    geo = client.get("/api/v1/professionals/search?near=48.85,2.33&format=geojson&limit=3")
    assert geo.mimetype == "application/geo+json"
    fc = geo.get_json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3
    lon, lat = fc["features"][0]["geometry"]["coordinates"]
    assert 2.2 < lon < 2.5 and 48.7 < lat < 49.1
    open_now = client.get("/api/v1/professionals/search?open_now=true&covers=48.9,2.35")
    assert open_now.status_code == 200


@pytest.mark.parametrize("query, field", [
    ("near=abc", "near"), ("near=48.8,2.3&limit=500", "limit"), ("radius_km=3", "radius_km"),
    ("competency=unknown-skill", "competency"), ("cpts=nope", "cpts"),
    ("open_at=tomorrow", "open_at"),
])
def test_api_search_errors(client, directory, query, field):
    from tests.support import assert_problem

    problem = assert_problem(client.get(f"/api/v1/professionals/search?{query}"), 422)
    assert field in problem["errors"], problem
