"""Population import and the communes API (GeoJSON, RFC 7946)."""
from __future__ import annotations

from sqlalchemy import text

from mapper.imports.communes import import_communes_file
from mapper.imports.population import import_population_file
from tests.factories.geo import box, collection, feature, grid_communes, write_geojson
from tests.support import assert_problem


def load_grid(session, tmp_path, dep="45"):
    import_communes_file(session, write_geojson(tmp_path / f"{dep}.geojson",
                                                grid_communes(dep, n=2, population=None)))


def test_population_csv_in_the_open_data_format(session, tmp_path):
    load_grid(session, tmp_path)
    csv_path = tmp_path / "pop.csv"
    csv_path.write_text(
        "code,nom,departement,region,population,type,codesPostaux,commune_parent\n"
        "45001,A,45,24,1200,commune-actuelle,45000,\n"
        "45002,B,45,24,35,commune-actuelle,45000|45100,\n"
        "45003,C,45,24,,commune-actuelle,,\n"
        "45004,D,45,24,douze,commune-actuelle,,\n"
        "75056,Paris,75,11,2103778,commune-actuelle,,\n", encoding="utf-8")
    report = import_population_file(session, csv_path, year=2023)
    assert report.counts["updated"] == 2
    assert report.counts["no_polygon"] == 1  # 75056: its arrondissements carry the polygons
    assert report.counts["without_population"] == 1
    assert [r.where for r in report.rejected] == ["line 5"]
    pops = dict(session.execute(text(
        "SELECT code, population FROM commune WHERE code LIKE '45%'")).all())
    assert pops == {"45001": 1200, "45002": 35, "45003": None, "45004": None}
    again = import_population_file(session, csv_path, year=2023)
    assert again.counts["updated"] == 0 and again.counts["unchanged"] == 2


def test_population_csv_minimal_semicolon(session, tmp_path):
    load_grid(session, tmp_path)
    path = tmp_path / "pop.csv"
    path.write_text("CODGEO;PMUN\n45001;7\n", encoding="utf-8")
    report = import_population_file(session, path, year=2021)
    assert report.counts["updated"] == 1
    assert session.execute(text("SELECT population_year FROM commune WHERE code='45001'")).scalar() == 2021


def test_communes_by_departement_geojson(client, session, tmp_path):
    load_grid(session, tmp_path, "45")
    load_grid(session, tmp_path, "41")
    resp = client.get("/api/v1/communes?departement=45")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    fc = resp.get_json()
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    assert [f["properties"]["code"] for f in fc["features"]] == ["45001", "45002", "45003", "45004"]
    props = fc["features"][0]["properties"]
    assert {"code", "nom", "kind", "population", "departement"} <= set(props)
    ring = fc["features"][0]["geometry"]["coordinates"][0][0]
    assert 1.9 < ring[0][0] < 2.2 and 46.9 < ring[0][1] < 47.2  # lon, lat order


def test_commune_feature_and_404(client, session, tmp_path):
    load_grid(session, tmp_path)
    resp = client.get("/api/v1/communes/45003")
    assert resp.status_code == 200
    feat = resp.get_json()
    assert feat["type"] == "Feature" and feat["properties"]["nom"] == "Commune 45-3"
    assert feat["geometry"]["type"] == "MultiPolygon"
    assert_problem(client.get("/api/v1/communes/45999"), 404)


def test_commune_autocomplete_ignores_accents_and_case(client, session, tmp_path):
    fc = collection(feature("45010", "Châteauneuf-sur-Loire", box(2.2, 47.8, 2.3, 47.9)),
                    feature("45011", "Chécy", box(2.0, 47.8, 2.1, 47.9)))
    import_communes_file(session, write_geojson(tmp_path / "c.geojson", fc))
    names = [f["properties"]["nom"] for f in
             client.get("/api/v1/communes?q=chateau&geometry=false").get_json()["features"]]
    assert names == ["Châteauneuf-sur-Loire"]


def test_communes_listing_needs_a_filter(client):
    body = assert_problem(client.get("/api/v1/communes"), 422)
    assert "departement" in body["errors"]
    body = assert_problem(client.get("/api/v1/communes?departement=ABC"), 422)
    assert "departement" in body["errors"]


def test_openapi_document_lists_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/communes", "/api/v1/communes/{code}", "/api/v1/health",
                 "/api/v1/accounts"):
        assert path in doc["paths"], path
    schemas = doc["components"]["schemas"]
    assert "AccountCreate" in schemas and "email" in schemas["AccountCreate"]["properties"]
