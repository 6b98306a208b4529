"""Imports a careless exporter feeds: a file lands whole or not at all (truncated, wrong type,
wrong encoding: nothing), bad rows are rejected alone with their line or feature number, the
command exits non-zero, and never with a traceback. Through the real CLI on a committed
database of its own; real files from ../shared/data when present."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from mapper.cli import main
from tests.factories.geo import grid_communes, write_geojson
from tests.factories.rpps_files import rpps_record, write_rpps_file

from ..conftest import SHARED_DATA


@pytest.fixture()
def cli(fresh_database):
    engine = create_engine(fresh_database)

    def run(*args):
        result = CliRunner().invoke(main, [str(a) for a in args],
                                    env={"MAPPER_DATABASE_URL": fresh_database})
        assert "Traceback" not in result.output and result.exception is None or \
            isinstance(result.exception, SystemExit), result.output
        return result

    def count(sql: str) -> int:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()

    run.count = count
    yield run
    engine.dispose()


def communes_file(tmp_path):
    real = SHARED_DATA / "communes" / "communes-95.geojson"
    if real.exists():
        return real, json.loads(real.read_text(encoding="utf-8"))["features"]
    fc = grid_communes("95", (2.0, 49.0), 6, 0.05)
    return write_geojson(tmp_path / "grid95.geojson", fc), fc["features"]


def test_a_truncated_geojson_lands_nothing(cli, tmp_path):
    path, features = communes_file(tmp_path)
    raw = path.read_bytes()
    truncated = tmp_path / "t.geojson"
    truncated.write_bytes(raw[:len(raw) * 3 // 5])
    result = cli("import", "communes", truncated)
    assert result.exit_code == 1 and "unreadable JSON" in result.output
    assert "nothing of this file was imported" in result.output
    assert cli.count("SELECT count(*) FROM commune") == 0
    assert cli("import", "communes", path).exit_code == 0
    assert cli.count("SELECT count(*) FROM commune") == len(features)


@pytest.mark.parametrize("content", [
    lambda f: f[0],                                            # a single Feature
    lambda f: f[:3],                                           # a bare array of features
    lambda f: {"type": "Topology", "objects": {}},             # not GeoJSON features at all
])
def test_anything_but_a_feature_collection_is_refused(cli, tmp_path, content):
    _, features = communes_file(tmp_path)
    path = tmp_path / "wrong.geojson"
    path.write_text(json.dumps(content(features)), encoding="utf-8")
    result = cli("import", "communes", path)
    assert result.exit_code == 1 and "not a GeoJSON FeatureCollection" in result.output
    assert cli.count("SELECT count(*) FROM commune") == 0


def test_one_bad_feature_is_rejected_alone(cli, tmp_path):
    fc = grid_communes("01", (5.0, 45.0), 3, 0.05)
    fc["features"][1]["properties"]["nom"] = "Nul\x00part"
    fc["features"][2]["properties"]["population"] = 3_000_000_000
    fc["features"][3]["properties"]["code"] = "01\x0004"
    path = write_geojson(tmp_path / "bad.geojson", fc)
    result = cli("import", "communes", path)
    assert result.exit_code == 1, result.output
    for where in ("feature 2", "feature 3", "feature 4"):
        assert f"rejected {where}" in result.output
    assert cli.count("SELECT count(*) FROM commune") == 9 - 3


def test_population_file_in_latin1_lands_nothing(cli, tmp_path):
    cli("import", "communes", write_geojson(tmp_path / "g.geojson",
                                            grid_communes("01", (5.0, 45.0), 2, 0.05)))
    path = tmp_path / "pop.csv"
    path.write_bytes("code,nom,population\n01001,Un,10\n01002,Épinay,20\n".encode("latin-1"))
    result = cli("import", "population", path)
    assert result.exit_code == 1 and "line 3 is not UTF-8" in result.output
    assert cli.count("SELECT count(*) FROM commune WHERE population = 10") == 0


def test_population_rows_out_of_range_or_with_nul_are_rejected_alone(cli, tmp_path):
    cli("import", "communes", write_geojson(tmp_path / "g.geojson",
                                            grid_communes("01", (5.0, 45.0), 2, 0.05)))
    path = tmp_path / "pop.csv"
    path.write_text("code,population\n01001,3000000000\n01002,5\n01003,7\x00\n01004,8\n",
                    encoding="utf-8")
    result = cli("import", "population", path)
    assert result.exit_code == 1, result.output
    assert "rejected line 2" in result.output and "rejected line 4" in result.output
    assert cli.count("SELECT count(*) FROM commune WHERE population IN (5, 8)") == 2


def test_cpts_file_latin1_nul_and_long_names(cli, tmp_path):
    cli("import", "communes", write_geojson(tmp_path / "g.geojson",
                                            grid_communes("01", (5.0, 45.0), 2, 0.05)))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("cpts_name,commune_code\nCPTS Été,01001\n".encode("latin-1"))
    result = cli("import", "cpts", latin)
    assert result.exit_code == 1 and "line 2 is not UTF-8" in result.output
    rows = tmp_path / "rows.csv"
    rows.write_text("cpts_name,commune_code\nCPTS\x00Nulle,01001\n" + "X" * 300 + ",01002\n"
                    "CPTS Bonne,01003\n", encoding="utf-8")
    result = cli("import", "cpts", rows)
    assert result.exit_code == 1, result.output
    assert "rejected line 2" in result.output and "name: 200 caractères au plus" in result.output
    assert cli.count("SELECT count(*) FROM cpts") == 1


def test_professionals_row_with_nul_is_rejected_alone(cli, tmp_path):
    path = tmp_path / "pros.csv"
    path.write_text("ref;last_name;profession\nr1;Martin;60\nr2;Dur\x00and;60\n",
                    encoding="utf-8")
    result = cli("import", "professionals", path)
    assert result.exit_code == 1 and "rejected line 3" in result.output, result.output
    assert cli.count("SELECT count(*) FROM professional") == 1


def test_rpps_file_with_a_latin1_line_names_it_and_lands_nothing(cli, tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record(pp_id=f"1000000000{i}")
                                                 for i in range(6)])
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace("Hélène".encode(), "Hélène".encode("latin-1"))
    path.write_bytes(b"\n".join(lines))
    result = cli("import", "rpps", path)
    assert result.exit_code == 1 and "line 5 is not utf-8 text" in result.output, result.output
    assert cli.count("SELECT count(*) FROM professional") == 0


def test_rpps_line_with_nul_is_rejected_with_its_reason(cli, tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record(pp_id=f"1000000000{i}")
                                                 for i in range(3)])
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace("Hélène", "Hél\x00ène")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = cli("import", "rpps", path)
    assert result.exit_code == 1 and "rejected line 3: NUL byte" in result.output
    assert cli.count("SELECT count(*) FROM professional") == 2
