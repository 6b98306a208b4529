"""Cached CPTS measures follow re-imported populations and outlines."""
from __future__ import annotations

from sqlalchemy import text

from mapper.imports.communes import import_communes_file
from mapper.imports.population import import_population_file
from mapper.services.territories import refresh_measures
from tests.factories.geo import grid_communes, write_geojson

from .conftest import cell_box, create, grid_code


def cached(session, cpts_id):
    return session.execute(text(
        "SELECT population, population_year, size_category, round(area_km2::numeric, 3) "
        "FROM cpts WHERE id = :i"), {"i": cpts_id}).one()


def test_population_reimport_refreshes_commune_and_drawn_territories(client, grid, admin,
                                                                     tmp_path):
    session = grid
    listed = create(client, admin, "CPTS Liste", communes=[grid_code(0, 0), grid_code(1, 0)])
    drawn = create(client, admin, "CPTS Dessin", geometry=cell_box(2, 0, 3.5, 1))
    before_listed = cached(session, listed["id"])
    assert before_listed[0] == 1000 + 2000
    before_drawn = cached(session, drawn["id"])
    assert before_drawn[0] == 3000 + 2000  # all of cell 3, half of cell 4 (4000 / 2)

    csv_path = tmp_path / "pop.csv"
    csv_path.write_text("code,population\n"
                        f"{grid_code(0, 0)},50000\n{grid_code(3, 0)},8000\n", encoding="utf-8")
    report = import_population_file(session, csv_path, year=2024)
    assert sorted(report.changed) == sorted([grid_code(0, 0), grid_code(3, 0)])
    assert refresh_measures(session, report.changed) == 2
    assert cached(session, listed["id"])[:3] == (52000, 2024, 2)
    assert cached(session, drawn["id"])[:3] == (3000 + 4000, 2024, 1)
    assert refresh_measures(session, report.changed) == 0  # nothing left to change


def test_outline_reimport_refreshes_the_union(client, grid, admin, tmp_path):
    session = grid
    listed = create(client, admin, "CPTS Liste", communes=[grid_code(0, 0), grid_code(1, 0)])
    area_before = cached(session, listed["id"])[3]
    fc = grid_communes("01", origin=(5.0, 45.0), n=5, step=0.05)
    first = fc["features"][0]  # 01001: make it twice as tall (still valid, no overlap check)
    first["geometry"]["coordinates"][0][2][1] += 0.05
    first["geometry"]["coordinates"][0][3][1] += 0.05
    fc["features"] = [first]
    report = import_communes_file(session, write_geojson(tmp_path / "g.geojson", fc),
                                  population_year=2023)
    assert report.changed == [grid_code(0, 0)]
    refresh_measures(session, report.changed, geometry=True)
    area_after = cached(session, listed["id"])[3]
    assert 1.45 < float(area_after) / float(area_before) < 1.55
    union_km2 = session.execute(text("SELECT ST_Area(geom::geography) / 1e6 FROM cpts "
                                     "WHERE id = :i"), {"i": listed["id"]}).scalar()
    assert abs(union_km2 - float(area_after)) < 0.01
