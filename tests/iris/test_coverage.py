"""Coverage at IRIS level where a commune is split between CPTS (brute-force expectations)."""
from __future__ import annotations

from sqlalchemy import text

from mapper.services.territories import coverage
from tests.territories.conftest import create, grid_code

from .conftest import SPLIT, iris_population


def populations(session):
    return dict(session.execute(text("SELECT code, population FROM commune "
                                     "WHERE departement = '01'")).all())


def test_split_commune_is_covered_for_the_iris_held(iris_world, client, admin):
    create(client, admin, "CPTS Nord", communes=[grid_code(1, 0)],
           iris=["010010101", "010010102"])
    create(client, admin, "CPTS Sud", iris=["010010103"])
    pops = populations(iris_world)
    held = round(sum(iris_population(c) for c in ("010010101", "010010102", "010010103")))
    report = coverage(iris_world, departement="01")
    assert report["population_level"] == "iris"
    assert report["population_covered"] == pops[grid_code(1, 0)] + held
    assert report["population_uncovered"] == sum(pops.values()) - report["population_covered"]
    (split,) = report["iris_level_communes"]
    assert (split["code"], split["population_covered"]) == (SPLIT, held)
    # different IRIS of one commune: not claimed twice
    assert report["multi_covered_communes"] == []
    assert SPLIT not in [c["code"] for c in report["uncovered_communes"]]


def test_whole_commune_and_one_of_its_iris_are_multi_covered(iris_world, client, admin):
    create(client, admin, "CPTS Nord", iris=["010010101"])
    create(client, admin, "CPTS Ville", communes=[SPLIT])
    pops = populations(iris_world)
    report = coverage(iris_world, departement="01")
    assert report["population_covered"] == pops[SPLIT]
    assert [c["code"] for c in report["multi_covered_communes"]] == [SPLIT]


def test_without_iris_the_report_stays_at_commune_level(iris_world, client, admin):
    create(client, admin, "CPTS Ville", communes=[SPLIT])
    report = coverage(iris_world, departement="01")
    assert report["population_level"] == "commune" and report["iris_level_communes"] == []


def test_coverage_page_says_iris_level(iris_world, client, admin):
    create(client, admin, "CPTS Nord", iris=["010010101"])
    html = client.get("/map/coverage", query_string={"departement": "01"}).get_data(as_text=True)
    assert "à l&#39;échelle des IRIS" in html or "à l'échelle des IRIS" in html
    assert f"({SPLIT}) : 212 hab. couverts" in html
