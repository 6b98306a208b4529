"""Where an Annuaire Santé import stands (``annuaire_run``) and what it fetched so far
(``annuaire_stage``), one run per key (département and profession filter, migration 0016a).

Each page is saved with the cursor that follows it in one transaction, so a crash between two
pages loses nothing and a re-run asks for the next page, not the first. The run and its staged
resources are deleted when the run is merged.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

PHASES = ("organizations", "roles", "practitioners")


@dataclass
class Cursor:
    """The next thing to fetch: ``next_url`` inside batch ``batch`` of ``phase``, or (no
    ``next_url``) the first page of that batch."""

    phase: str = PHASES[0]
    batch: int = 0
    next_url: str | None = None
    pages: int = 0


def run_key(departement: str, profession: str | None) -> str:
    return f"{departement}:{profession or '*'}"


def load_cursor(session: Session, key: str) -> Cursor | None:
    row = session.execute(text("SELECT phase, batch, next_url, pages FROM annuaire_run "
                               "WHERE run_key = :k"), {"k": key}).one_or_none()
    return Cursor(*row) if row else None


def save_page(session: Session, key: str, cursor: Cursor,
              staged: Iterable[tuple[str, str, dict | None]]) -> None:
    """Store the resources (type, id, body — None: asked for and absent) of one page and the
    cursor that follows it."""
    session.execute(text("""
        INSERT INTO annuaire_run AS r (run_key, phase, batch, next_url, pages)
        VALUES (:k, :phase, :batch, :next, :pages)
        ON CONFLICT (run_key) DO UPDATE SET phase = EXCLUDED.phase, batch = EXCLUDED.batch,
          next_url = EXCLUDED.next_url, pages = EXCLUDED.pages, updated_at = now()"""),
        {"k": key, "phase": cursor.phase, "batch": cursor.batch, "next": cursor.next_url,
         "pages": cursor.pages})
    rows = [{"k": key, "t": kind, "id": rid, "body": None if body is None else json.dumps(body)}
            for kind, rid, body in staged]
    if rows:
        session.execute(text("""
            INSERT INTO annuaire_stage (run_key, resource_type, resource_id, body)
            VALUES (:k, :t, :id, CAST(:body AS jsonb))
            ON CONFLICT (run_key, resource_type, resource_id) DO UPDATE SET body =
              coalesce(EXCLUDED.body, annuaire_stage.body)"""), rows)


def staged_ids(session: Session, key: str, kind: str) -> list[str]:
    return list(session.execute(text(
        "SELECT resource_id FROM annuaire_stage WHERE run_key = :k AND resource_type = :t "
        "AND body IS NOT NULL ORDER BY resource_id"), {"k": key, "t": kind}).scalars())


def missing_practitioners(session: Session, key: str, limit: int) -> list[str]:
    """Practitioners the staged roles point to and that are not staged yet (by id)."""
    return list(session.execute(text("""
        SELECT DISTINCT ref FROM (
          SELECT regexp_replace(split_part(body #>> '{practitioner,reference}', '/_history', 1),
                                '^.*Practitioner/', '') AS ref
          FROM annuaire_stage WHERE run_key = :k AND resource_type = 'PractitionerRole'
            AND body #>> '{practitioner,reference}' LIKE '%Practitioner/%') r
        WHERE ref <> '' AND NOT EXISTS (
          SELECT 1 FROM annuaire_stage s WHERE s.run_key = :k
            AND s.resource_type = 'Practitioner' AND s.resource_id = r.ref)
        ORDER BY ref LIMIT :n"""), {"k": key, "n": limit}).scalars())


def staged(session: Session, key: str, kind: str) -> Iterator[dict]:
    rows = session.execute(text(
        "SELECT body FROM annuaire_stage WHERE run_key = :k AND resource_type = :t "
        "AND body IS NOT NULL ORDER BY resource_id"), {"k": key, "t": kind})
    for (body,) in rows:
        yield body


def drop_run(session: Session, key: str) -> None:
    session.execute(text("DELETE FROM annuaire_run WHERE run_key = :k"), {"k": key})
