"""``mapper cpts list``, ``mapper professionals find`` and ``users create`` by slug / RPPS,
through the CLI runner on a database of their own (the CLI builds its own application)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from mapper.cli import main


@pytest.fixture()
def cli_db(fresh_database, monkeypatch):
    monkeypatch.setenv("MAPPER_DATABASE_URL", fresh_database)
    monkeypatch.delenv("MAPPER_BASE_URL", raising=False)
    engine = create_engine(fresh_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO cpts (id, name, slug, status, region, population) VALUES
              (1, 'CPTS Zénith', 'cpts-zenith', 'projet', '93', 12000),
              (2, 'CPTS Étang', 'cpts-etang', 'valide', '93', 54000),
              (3, 'CPTS Azur', 'cpts-azur', 'projet', '11', NULL)"""))
        conn.execute(text("""
            INSERT INTO professional (id, rpps, first_name, last_name, profession_code, source)
            VALUES (1, '10001234567', 'Hélène', 'Bénard', '60', 'rpps'),
                   (2, NULL, 'Paul', 'Martin', '10', 'api')"""))
    yield engine
    engine.dispose()


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result


def test_cpts_list_in_french_order_with_region_filter(cli_db):
    out = run("cpts", "list")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert [ln.split("\t")[1] for ln in lines[:-1]] == ["CPTS Azur", "CPTS Étang", "CPTS Zénith"]
    assert "cpts-etang\tvalide\tProvence-Alpes-Côte d'Azur (93)\t54\u202f000 hab." in lines[1]
    assert lines[-1] == "3 CPTS"
    out = run("cpts", "list", "--region", "93")
    assert out.output.splitlines()[-1] == "2 CPTS" and "CPTS Azur" not in out.output


def test_professionals_find_by_name_without_accents_or_by_rpps(cli_db):
    out = run("professionals", "find", "helene", "benard")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("1\t10001234567\tHélène Bénard\tInfirmier")
    assert "Bénard" in run("professionals", "find", "1000123").output
    assert run("professionals", "find", "nobody").output.strip() == "0 fiche(s)"


def test_users_create_takes_slug_and_rpps(cli_db):
    out = run("users", "create", "--email", "coord@example.org", "--role", "coordinator",
              "--cpts", "cpts-etang")
    assert out.exit_code == 0, out.output
    out = run("users", "create", "--email", "pro@example.org", "--role", "professional",
              "--professional", "10001234567")
    assert out.exit_code == 0, out.output
    out = run("users", "create", "--email", "pro2@example.org", "--role", "professional",
              "--professional", "2")
    assert out.exit_code == 0, out.output
    with cli_db.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT email, coalesce(cpts_id, professional_id) FROM account")).all())
    assert rows == {"coord@example.org": 2, "pro@example.org": 1, "pro2@example.org": 2}
    out = run("users", "create", "--email", "x@example.org", "--role", "coordinator",
              "--cpts", "cpts-inconnue")
    assert out.exit_code != 0 and "CPTS inconnue" in out.output
