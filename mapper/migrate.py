"""Run Alembic migrations from code (``mapper db upgrade``, tests, ``make run``)."""
from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool, text
from sqlalchemy.exc import DBAPIError

from .config import PROJECT_ROOT

log = logging.getLogger(__name__)
MIGRATIONS = PROJECT_ROOT / "migrations"


class MigrationError(RuntimeError):
    pass


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def ensure_postgis(url: str) -> None:
    """Create the extension if we may, or explain how to install it."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname='postgis'")).first():
                return
            available = conn.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name='postgis'")
            ).first()
            if not available:
                raise MigrationError(
                    "PostGIS is not installed on this PostgreSQL server. On Debian/Ubuntu: "
                    "apt-get install postgresql-15-postgis-3 (matching your server version), "
                    "then run `mapper db upgrade` again."
                )
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except DBAPIError as exc:
        raise MigrationError(
            "Could not create the postgis extension (it needs a superuser or the database "
            f"owner on PostgreSQL >= 13 with a trusted extension): {exc.orig}. "
            "Ask your DBA to run CREATE EXTENSION postgis in this database."
        ) from exc
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    ensure_postgis(url)
    command.upgrade(alembic_config(url), revision)


def current(url: str) -> str | None:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            from alembic.runtime.migration import MigrationContext

            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
