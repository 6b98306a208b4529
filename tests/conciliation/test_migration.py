"""Migration 0013a goes down (a signed CPTS becomes validated again) and up again."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from mapper.migrate import alembic_config, upgrade


def test_down_and_up(database_factory):
    url = database_factory("m13a")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cpts (name, slug, status, territory_kind) "
                          "VALUES ('CPTS Signée', 'cpts-signee', 'aci_signe', 'communes')"))
    command.downgrade(alembic_config(url), "0013")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT status FROM cpts")).scalar() == "valide"
        assert conn.execute(text("SELECT to_regclass('overlap_conciliation')")).scalar() is None
    upgrade(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE cpts SET status = 'aci_signe'"))
        assert conn.execute(text("SELECT to_regclass('overlap_conciliation')")).scalar()
    engine.dispose()
