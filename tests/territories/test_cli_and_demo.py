"""CLI: import cpts, check-overlaps, coverage (committed database of their own); demo loader."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from mapper.cli import main
from mapper.imports.communes import import_communes_file
from tests.factories.geo import grid_communes, write_geojson

from .conftest import GRID_ORIGIN, GRID_STEP, grid_code


@pytest.fixture()
def cli_db(fresh_database, tmp_path):
    engine = create_engine(fresh_database)
    path = write_geojson(tmp_path / "grid.geojson",
                         grid_communes("01", origin=GRID_ORIGIN, n=5, step=GRID_STEP))
    with Session(engine) as session:
        assert import_communes_file(session, path, population_year=2023).ok
        session.commit()
    yield fresh_database, engine
    engine.dispose()


def run(url, *args):
    return CliRunner().invoke(main, list(args), env={"MAPPER_DATABASE_URL": url})


def test_import_cpts_reports_unknown_codes_with_line_numbers_and_is_idempotent(cli_db, tmp_path):
    url, engine = cli_db
    csv_path = tmp_path / "cpts.csv"
    csv_path.write_text("cpts_name,commune_code\n"
                        f"CPTS Nord,{grid_code(0, 0)}\n"
                        f"CPTS Nord,{grid_code(1, 0)}\n"
                        "CPTS Nord,01999\n"
                        f"CPTS Sud,{grid_code(1, 0)}\n"
                        f"cpts  sud,{grid_code(2, 0)}\n"
                        "CPTS Sud,ABCDE\n", encoding="utf-8")
    result = run(url, "import", "cpts", str(csv_path))
    assert result.exit_code == 1, result.output
    assert "created: 2" in result.output
    assert "rejected line 4 (CPTS Nord): unknown commune code 01999" in result.output
    assert "rejected line 7 (CPTS Sud): malformed commune code 'ABCDE'" in result.output
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT k.name, array_agg(cc.commune_code ORDER BY cc.commune_code) FROM cpts k "
            "JOIN cpts_commune cc ON cc.cpts_id = k.id GROUP BY k.name ORDER BY k.name")).all()
    assert rows == [("CPTS Nord", [grid_code(0, 0), grid_code(1, 0)]),
                    ("CPTS Sud", [grid_code(1, 0), grid_code(2, 0)])]
    again = run(url, "import", "cpts", str(csv_path))
    assert "created: 0, updated: 0, unchanged: 2" in again.output

    result = run(url, "check-overlaps")
    assert result.exit_code == 0, result.output
    assert f"CPTS Nord (projet) × CPTS Sud (projet): 1 commune(s) {grid_code(1, 0)}" in result.output
    assert "population 2000 (communes)" in result.output
    assert "1 overlapping pair(s)" in run(url, "check-overlaps", "--region", "84").output
    assert "0 overlapping pair(s)" in run(url, "check-overlaps", "--region", "11").output

    result = run(url, "coverage", "--departement", "01")
    assert result.exit_code == 0, result.output
    assert "uncovered communes: 22" in result.output
    assert f"{grid_code(1, 0)} Commune 01-2 (2000): CPTS" in result.output
    assert run(url, "coverage").exit_code != 0


def test_import_as_valide_reports_conflicts(cli_db, tmp_path):
    url, engine = cli_db
    csv_path = tmp_path / "cpts.csv"
    csv_path.write_text("cpts_name,commune_code\n"
                        f"CPTS A,{grid_code(0, 0)}\nCPTS B,{grid_code(0, 0)}\n"
                        f"CPTS B,{grid_code(1, 0)}\nCPTS C,{grid_code(4, 4)}\n")
    result = run(url, "import", "cpts", "--status", "valide", str(csv_path))
    assert result.exit_code == 0, result.output
    assert "validated: 2, conflicts: 1" in result.output
    assert f"CPTS B: not validated (left projet): overlaps validated CPTS 'CPTS A' on " \
           f"{grid_code(0, 0)}" in result.output
    with engine.connect() as conn:
        status = dict(conn.execute(text("SELECT name, status FROM cpts")).all())
    assert status == {"CPTS A": "valide", "CPTS B": "projet", "CPTS C": "valide"}
    result = run(url, "import", "cpts", str(tmp_path / "missing.csv"))
    assert result.exit_code != 0


def test_demo_loader_is_idempotent(session, settings):
    from mapper.demo import DEMO_DIR, LOADERS, load_communes
    from mapper.imports.cpts import load_demo_cpts
    from mapper.models import Cpts
    from mapper.services.territories import overlap_pairs

    assert any(getattr(f, "__name__", "") == "load_cpts" for f in LOADERS)
    load_communes(session, DEMO_DIR)
    first = load_demo_cpts(session, DEMO_DIR, settings)
    assert any("created: 5" in line for line in first)
    snapshot = session.execute(text(
        "SELECT name, status, population, updated_at FROM cpts ORDER BY name")).all()
    second = load_demo_cpts(session, DEMO_DIR, settings)
    assert any("created: 0, updated: 0, unchanged: 5" in line for line in second)
    assert session.execute(text(
        "SELECT name, status, population, updated_at FROM cpts ORDER BY name")).all() == snapshot
    paris = session.scalar(select(Cpts).where(Cpts.name == "CPTS Paris 14 (fictive)"))
    assert paris.status == "valide"
    pairs = overlap_pairs(session, settings)
    assert [(p["a"]["name"], p["b"]["name"], p["shared_communes"]) for p in pairs] == [
        ("CPTS Paris 14 (fictive)", "CPTS Paris 14-15 (projet fictif)", ["75114"])]


def test_import_goes_through_the_life_cycle_rules(grid, settings, tmp_path):
    """What the API refuses, the import refuses and reports: a new territory overlapping a
    validated CPTS, a name too long; the rest of the file lands."""
    from mapper.imports.cpts import import_cpts_file

    first = tmp_path / "a.csv"
    first.write_text(f"cpts_name,commune_code\nCPTS A,{grid_code(0, 0)}\n")
    assert import_cpts_file(grid, first, status="valide", settings=settings).counts[
        "validated"] == 1
    second = tmp_path / "b.csv"
    second.write_text("cpts_name,commune_code\n"
                      f"CPTS B,{grid_code(0, 0)}\nCPTS B,{grid_code(1, 0)}\n"
                      f"{'X' * 250},{grid_code(2, 2)}\nCPTS C,{grid_code(4, 4)}\n")
    report = import_cpts_file(grid, second, status="projet", settings=settings)
    reasons = {r.where: r.reason for r in report.rejected}
    assert "chevauche une CPTS validée : CPTS A" in reasons["CPTS 'CPTS B'"]
    assert any("200 caractères" in reason or "Nom trop long" in reason
               for reason in reasons.values())
    assert report.counts["created"] == 1
    names = grid.execute(text("SELECT name, status FROM cpts ORDER BY name")).all()
    assert [tuple(n) for n in names] == [("CPTS A", "valide"), ("CPTS C", "projet")]
    actions = grid.execute(text("SELECT action, actor FROM audit_event WHERE entity_type = 'cpts' "
                                "ORDER BY id")).all()
    assert [tuple(a) for a in actions] == [("cpts.create", "import"), ("cpts.decision", "import"),
                                           ("cpts.create", "import")]
