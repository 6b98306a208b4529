"""COPY rows into a temporary staging table through psycopg 3's COPY protocol."""
from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy.orm import Session


def create_staging(session: Session, name: str, columns_sql: str) -> None:
    session.connection().exec_driver_sql(
        f"CREATE TEMP TABLE {name} ({columns_sql}) ON COMMIT DROP"
    )


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Stream ``rows`` into ``table``; returns how many were sent."""
    raw = session.connection().connection.driver_connection
    n = 0
    with raw.cursor() as cur:
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n
