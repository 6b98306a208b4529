"""Is the database there, and which versions is it running?"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..errors import ServiceUnavailable


def database_health(session: Session) -> dict:
    try:
        row = session.execute(text(
            "SELECT current_setting('server_version'), postgis_lib_version(), "
            "(SELECT version_num FROM alembic_version LIMIT 1)"
        )).one()
    except DBAPIError as exc:
        session.rollback()
        raise ServiceUnavailable("La base de données est injoignable.",
                                 log_message=f"health check failed: {exc}") from exc
    return {"status": "ok", "database": {"postgresql": row[0], "postgis": row[1],
                                         "schema_revision": row[2]}}
