"""The ``mapper import annuaire-sante`` command on a database of its own (committed for real),
settings from the environment as in production."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from mapper.cli import main


def _env(url: str, api, key: str) -> dict:
    return {"MAPPER_DATABASE_URL": url, "MAPPER_ANNUAIRE_SANTE_URL": api.base,
            "MAPPER_ANNUAIRE_SANTE_API_KEY": key, "MAPPER_ANNUAIRE_SANTE_RATE": "50",
            "MAPPER_ANNUAIRE_SANTE_PAGE_SIZE": "2", "MAPPER_ANNUAIRE_SANTE_RETRIES": "0"}


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def test_cli_bad_key_exits_non_zero_with_a_clear_message(fresh_database, api):
    out = CliRunner().invoke(main, ["import", "annuaire-sante", "--departement", "75"],
                             env=_env(fresh_database, api, "wrong"))
    assert out.exit_code == 1
    assert "refused the key (401)" in out.output and "MAPPER_ANNUAIRE_SANTE_API_KEY" in out.output
    assert "Traceback" not in out.output
    assert _count(fresh_database, "professional") == 0
    assert _count(fresh_database, "annuaire_run") == 0


def test_cli_imports_then_a_rerun_changes_nothing(fresh_database, api):
    env = _env(fresh_database, api, "good-key")
    first = CliRunner().invoke(main, ["import", "annuaire-sante", "--departement", "75"], env=env)
    assert first.exit_code == 0, first.output
    assert "professionals_inserted: 4" in first.output
    assert _count(fresh_database, "professional") == 4
    again = CliRunner().invoke(main, ["import", "annuaire-sante", "--departement", "75"], env=env)
    assert again.exit_code == 0 and "changes: 0" in again.output, again.output


def test_cli_needs_a_key_and_a_departement(fresh_database, api):
    env = _env(fresh_database, api, "")
    out = CliRunner().invoke(main, ["import", "annuaire-sante", "--departement", "75"], env=env)
    assert out.exit_code == 1 and "MAPPER_ANNUAIRE_SANTE_API_KEY" in out.output
    env = _env(fresh_database, api, "good-key")
    out = CliRunner().invoke(main, ["import", "annuaire-sante", "--departement", "7½"], env=env)
    assert out.exit_code == 2 and "--departement" in out.output
