"""Territories with IRIS through the API: a commune split between two CPTS by IRIS reports the
IRIS populations, and two CPTS holding different IRIS of one commune do not overlap. Expected
figures are brute-force sums over the IRIS table the test wrote itself (conftest.IRIS)."""
from __future__ import annotations

from tests.support import assert_problem
from tests.territories.conftest import create, grid_code

from .conftest import SPLIT, iris_population

NORTH = ["010010101", "010010102"]
SOUTH = ["010010103", "010010104"]


def commune_population(session, code):
    from sqlalchemy import text
    return session.execute(text("SELECT population FROM commune WHERE code = :c"),
                           {"c": code}).scalar_one()


def brute(codes):
    return round(sum(iris_population(c) for c in codes))


def test_split_commune_reports_iris_population_and_no_overlap(iris_world, client, admin):
    a = create(client, admin, "CPTS Nord", communes=[grid_code(2, 0)], iris=NORTH)["properties"]
    b = create(client, admin, "CPTS Sud", iris=SOUTH)["properties"]
    assert (a["iris"], a["communes"]) == (NORTH, [grid_code(2, 0)])
    pop_a = commune_population(iris_world, grid_code(2, 0)) + brute(NORTH)
    assert a["population"] == pop_a
    assert b["population"] == brute(SOUTH)
    assert b["population"] != commune_population(iris_world, SPLIT)
    pairs = client.get("/api/v1/territories/overlaps").get_json()["pairs"]
    assert pairs == []


def test_same_iris_overlaps_exactly_and_whole_commune_on_the_iris(iris_world, client, admin):
    a = create(client, admin, "CPTS Nord", iris=NORTH)["properties"]
    create(client, admin, "CPTS Sud", iris=SOUTH)
    # the same IRIS: overlap on it, at IRIS level, with its population
    check = client.post("/api/v1/territories/check", json={"iris": ["010010102"]}).get_json()
    assert check["population"] == brute(["010010102"])
    assert check["population_level"] == "iris"
    (o,) = check["overlaps"]
    assert o["cpts"]["id"] == a["id"]
    assert (o["level"], o["shared_iris"], o["shared_communes"]) == ("iris", ["010010102"], [])
    assert o["population_affected"] == brute(["010010102"])
    # the whole commune against both: each on the IRIS it holds
    check = client.post("/api/v1/territories/check", json={"communes": [SPLIT]}).get_json()
    by_name = {o["cpts"]["name"]: o for o in check["overlaps"]}
    assert by_name["CPTS Nord"]["population_affected"] == brute(NORTH)
    assert by_name["CPTS Sud"]["population_affected"] == brute(SOUTH)
    assert by_name["CPTS Sud"]["shared_iris"] == SOUTH


def test_pairs_whole_commune_against_iris(iris_world, client, admin):
    create(client, admin, "CPTS Nord", iris=NORTH)
    create(client, admin, "CPTS Ville", communes=[SPLIT, grid_code(1, 0)])
    create(client, admin, "CPTS Est", communes=[grid_code(1, 0)])
    pairs = client.get("/api/v1/territories/overlaps").get_json()["pairs"]
    by = {(p["a"]["name"], p["b"]["name"]): p for p in pairs}
    nord_ville = by[("CPTS Nord", "CPTS Ville")]
    assert nord_ville["level"] == "iris" and nord_ville["shared_iris"] == NORTH
    assert nord_ville["population_affected"] == brute(NORTH)
    assert nord_ville["geometry"]["type"] == "MultiPolygon"
    ville_est = by[("CPTS Ville", "CPTS Est")]
    assert ville_est["level"] == "commune" and ville_est["shared_iris"] == []
    assert ville_est["population_affected"] == commune_population(iris_world, grid_code(1, 0))
    assert ("CPTS Nord", "CPTS Est") not in by


def test_bad_iris_codes_get_a_field_level_4xx(iris_world, client, admin):
    body = assert_problem(client.post("/api/v1/territories/check", json={"iris": ["0100101"]}),
                          422)
    assert "iris" in str(body.get("errors"))
    body = assert_problem(client.post("/api/v1/territories/check",
                                      json={"iris": ["010019999"]}), 422)
    assert "010019999" in str(body["errors"]["iris"])
    body = assert_problem(client.post("/api/v1/territories/check",
                                      json={"communes": [SPLIT], "iris": NORTH}), 422)
    assert SPLIT in str(body["errors"]["iris"])
