"""Coverage says what it cannot count, lists communes by population everywhere, and names
communes, départements and régions with their codes."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.services.territories.coverage import coverage


@pytest.fixture()
def var(session, world):
    codes = world.communes("83", (6.0, 43.1), 3)  # 83001…83009, population 1000·k
    session.execute(text("""
        INSERT INTO commune (code, name, kind, departement, region, population, geom) VALUES
          ('83137', 'Toulon', 'commune', '83', '93', 180000, NULL),
          ('83999', 'Sans-Population', 'commune', '83', '93', NULL,
           (SELECT geom FROM commune WHERE code = '83001'))"""))
    world.cpts("CPTS Nord", codes[:2])
    world.cpts("CPTS Sud", codes[1:3])
    session.commit()
    return codes


def test_the_report_says_what_is_missing(session, var):
    report = coverage(session, region="93")
    missing = report["missing"]
    assert missing["departements_not_loaded"] == ["04", "05", "06", "13", "84"]
    assert [c["code"] for c in missing["communes_without_outline"]] == ["83137"]
    assert missing["population_without_outline"] == 180000
    assert missing["communes_without_population"] == [{"code": "83999",
                                                       "nom": "Sans-Population"}]
    assert coverage(session, departement="83")["missing"]["departements_not_loaded"] == []


def test_zones_blanches_by_population_most_first(session, var):
    report = coverage(session, departement="83")
    populations = [c["population"] for c in report["uncovered_communes"]]
    assert populations == sorted(populations, reverse=True)
    assert report["uncovered_communes"][0]["nom"] == "Toulon"


def test_api_carries_the_same_report(client, var):
    body = client.get("/api/v1/coverage?region=93").get_json()
    assert body["missing"]["departements_not_loaded"] == ["04", "05", "06", "13", "84"]
    assert body["uncovered_communes"][0]["code"] == "83137"


def test_coverage_page_is_honest(client, var):
    page = client.get("/map/coverage?departement=83").get_data(as_text=True)
    assert "Var (83)" in page and "département 83<" not in page
    assert "Couverture incomplète" in page
    assert "Toulon (83137)" in page and "Sans-Population (83999)" in page
    assert "180\u202f000 hab." in page
    blanks = page[page.index('id="liste"'):page.index('id="multiples"')]
    assert blanks.index("Toulon") < blanks.index("Commune 83-9") < blanks.index("Commune 83-4")
    region = client.get("/map/coverage?region=93").get_data(as_text=True)
    assert "Provence-Alpes-Côte d&#39;Azur (93)" in region
    assert "Alpes-de-Haute-Provence (04)" in region and "Vaucluse (84)" in region


def test_complete_area_has_no_warning(client, session, world):
    world.cpts("CPTS Tout", world.communes("2A", (8.7, 41.9), 2))
    session.commit()
    page = client.get("/map/coverage?departement=2A").get_data(as_text=True)
    assert "Corse-du-Sud (2A)" in page and "Couverture incomplète" not in page


def test_ars_review_leads_to_the_honest_coverage(client, sign_in, var):
    """The ARS queue links to the région's coverage, which says what it cannot count."""
    sign_in("ars", regions=["93"])
    page = client.get("/ars?region=93").get_data(as_text=True)
    assert 'href="/map/coverage?region=93"' in page
    coverage = client.get("/map/coverage?region=93").get_data(as_text=True)
    assert "Couverture incomplète" in coverage and "Alpes-Maritimes (06)" in coverage
