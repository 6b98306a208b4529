"""`mapper import communes --from-api-geo` against a local stand-in speaking API Géo's format."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import text

from tests.factories.geo import box
from tests.standins import ApiGeoStandIn

COMMUNES = [
    {"code": "75056", "nom": "Paris", "codeDepartement": "75", "codeRegion": "11",
     "population": 2103778, "contour": box(2.25, 48.81, 2.42, 48.90)},
    {"code": "75114", "nom": "Paris 14e Arrondissement", "codeDepartement": "75",
     "codeRegion": "11", "population": 136455, "contour": box(2.30, 48.82, 2.34, 48.84)},
    {"code": "75115", "nom": "Paris 15e Arrondissement", "codeDepartement": "75",
     "codeRegion": "11", "population": 227746, "contour": box(2.26, 48.82, 2.30, 48.85)},
]


def test_download_and_import_a_departement(app, connection):
    from mapper.cli import main

    url = app.extensions["mapper.db"].url
    engine = app.extensions["mapper.db"].engine
    with ApiGeoStandIn(COMMUNES) as api_geo:
        result = CliRunner().invoke(
            main, ["import", "communes", "--from-api-geo", "--departement", "75"],
            env={"MAPPER_DATABASE_URL": url, "MAPPER_API_GEO_URL": api_geo.base_url})
        asked = [r.path for r in api_geo.requests]
    try:
        assert result.exit_code == 0, result.output
        assert asked == ["/departements/75/communes"]
        assert "inserted: 2" in result.output and "75056" in result.output  # skipped, said so
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT code, kind, region, population, population_year FROM commune "
                "WHERE departement = '75' ORDER BY code")).all()
        assert [tuple(r) for r in rows] == [("75114", "arrondissement", "11", 136455, 2023),
                                            ("75115", "arrondissement", "11", 227746, 2023)]
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM commune WHERE departement = '75'"))


def test_unreachable_api_geo_is_a_clear_error(app, connection):
    from mapper.cli import main

    result = CliRunner().invoke(
        main, ["import", "communes", "--from-api-geo", "--departement", "75"],
        env={"MAPPER_DATABASE_URL": app.extensions["mapper.db"].url,
             "MAPPER_API_GEO_URL": "http://127.0.0.1:9"})
    assert result.exit_code != 0
    assert "API Géo unreachable" in result.output
