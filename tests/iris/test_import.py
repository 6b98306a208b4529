"""`mapper import iris` on files built in the real formats: a Lambert-93 GeoPackage of
CONTOURS-IRIS, a GeoJSON export of it, INSEE's ``;`` CSV; a bad line refuses the whole file."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from mapper.cli import main
from mapper.imports.iris import IrisFormatError, import_iris_contours
from mapper.imports.iris_population import import_iris_population
from tests.territories.conftest import load_grid

from .conftest import IRIS, cell_polygon, write_contours, write_populations

def rows(session):
    return {r.code: r for r in session.execute(text(
        "SELECT code, name, commune_code, kind, population, population_year, area_km2, "
        "ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM iris"))}

def test_geopackage_in_lambert93_and_insee_csv_land_reprojected(iris_world):
    got = rows(iris_world)
    assert set(got) == set(IRIS)
    for code, (name, kind, population, cells) in IRIS.items():
        r = got[code]
        assert (r.name, r.kind, r.commune_code) == (name, kind, code[:5])
        assert r.population == pytest.approx(population)
        assert r.population_year == 2021
        centre = cell_polygon(cells).centroid
        assert (r.x, r.y) == (pytest.approx(centre.x, abs=1e-5),
                              pytest.approx(centre.y, abs=1e-5))
        assert r.area_km2 > 0

def test_geojson_export_is_accepted(session, tmp_path):
    load_grid(session, tmp_path)
    path = write_contours(tmp_path / "iris.geojson", driver="GeoJSON", crs="EPSG:4326")
    report = import_iris_contours(session, path)
    assert report.counts["imported"] == len(IRIS), report.lines()
    assert set(rows(session)) == set(IRIS)

def test_a_bad_feature_refuses_the_file_naming_feature_and_field(session, tmp_path):
    load_grid(session, tmp_path)
    path = write_contours(tmp_path / "bad.gpkg", override={"010010103": {"TYP_IRIS": "X"}})
    with pytest.raises(IrisFormatError) as exc:
        import_iris_contours(session, path)
    assert "feature 3" in str(exc.value) and "TYP_IRIS" in str(exc.value)
    session.rollback()
    assert session.execute(text("SELECT count(*) FROM iris")).scalar_one() == 0

def test_a_code_outside_its_commune_is_refused(session, tmp_path):
    load_grid(session, tmp_path)
    path = write_contours(tmp_path / "bad.gpkg", override={"010010102": {"INSEE_COM": "01003"}})
    with pytest.raises(IrisFormatError, match="INSEE_COM"):
        import_iris_contours(session, path)

def test_a_bad_population_line_refuses_the_file_naming_line_and_column(iris_world, tmp_path):
    before = {c: r.population for c, r in rows(iris_world).items()}
    path = write_populations(tmp_path / "bad.csv", iris={
        c: (n, k, p * 2, cells) for c, (n, k, p, cells) in IRIS.items()},
        bad_line=("010010103", "douze"))
    with pytest.raises(IrisFormatError) as exc:
        import_iris_population(iris_world, path)
    assert "line 4" in str(exc.value) and "P21_POP" in str(exc.value)
    iris_world.rollback()
    assert {c: r.population for c, r in rows(iris_world).items()} == before

def test_population_csv_without_a_pop_column_is_refused(iris_world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("IRIS;COM;TYP_IRIS;LAB_IRIS\n010010101;01001;H;1\n", encoding="utf-8")
    with pytest.raises(IrisFormatError, match="P<yy>_POP"):
        import_iris_population(iris_world, path)

def test_cli_imports_both_files_one_line_per_report(fresh_database, tmp_path):
    engine = create_engine(fresh_database)
    with Session(engine) as session:
        load_grid(session, tmp_path)
    pop = write_populations(tmp_path / "base-ic-evol-struct-pop-2021.csv")
    contours = write_contours(tmp_path / "CONTOURS-IRIS.gpkg")
    result = CliRunner().invoke(main, ["import", "iris", str(pop), str(contours)],
                                env={"MAPPER_DATABASE_URL": fresh_database})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2 and "CONTOURS-IRIS.gpkg" in lines[0] and "year: 2021" in lines[1]
    bad = write_contours(tmp_path / "bad.gpkg", override={"010010101": {"CODE_IRIS": "0100"}})
    result = CliRunner().invoke(main, ["import", "iris", str(bad)],
                                env={"MAPPER_DATABASE_URL": fresh_database})
    assert result.exit_code == 1 and "CODE_IRIS" in result.output
    with Session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM iris")).scalar_one() == len(IRIS)
    engine.dispose()

