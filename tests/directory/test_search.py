"""Search against an independent brute-force computation on generated data (``search_oracle``).

The generated directory is written once for the whole module, in a transaction rolled back at
the end; each test runs in a savepoint of it (``module_connection`` in tests/conftest.py)."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from mapper.services.directory import SearchQuery, cpts_professionals, search_professionals
from tests.factories.world import WorldBuilder
from tests.support import savepoint_of

from .conftest import build_communes, build_two_cpts
from .search_oracle import PARIS, check, covers, generate_directory


@pytest.fixture(scope="module")
def directory(module_connection, settings, tmp_path_factory):
    session = Session(bind=module_connection, join_transaction_mode="create_savepoint")
    world = WorldBuilder(session, settings, tmp_path_factory.mktemp("search"))
    build_communes(world)
    cpts_id = build_two_cpts(world)[0]
    pros = generate_directory(session, cpts_id)
    session.commit()
    session.close()
    return pros, cpts_id


@pytest.fixture()
def connection(app, module_connection, directory):
    """Each test in a savepoint of the module's transaction, rolled back after it."""
    yield from savepoint_of(app, module_connection)


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
