"""The on-call shifts as public slots, for the national unscheduled-care platform (SAS): when,
who (the holder's public entry id), for which CPTS, and whether a place is free. Nothing
else of the rota: no phone, no note, no reservation, no author — those stay members-only
(``rota_access``).

A window of a CPTS is a range scan of ``ix_shift_cpts_starts`` (``cpts_id``, ``starts_at``);
a holder's is one of ``ix_shift_professional_starts``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import NotFound


@dataclass
class SlotQuery:
    ids: list[int] | None = None
    start_from: datetime | None = None  # starts_at >= (aware)
    start_to: datetime | None = None  # starts_at <= (aware)
    free: bool | None = None  # True: a free place; False: none
    professional_ids: list[int] | None = None
    cpts_id: int | None = None
    offset: int = 0
    limit: int = 20


def _filters(q: SlotQuery) -> tuple[list[str], dict]:
    conds, params = [], {}
    if q.ids is not None:
        conds.append("s.id = ANY(:ids)")
        params["ids"] = list(q.ids)
    if q.start_from is not None:
        conds.append("s.starts_at >= :start_from")
        params["start_from"] = q.start_from
    if q.start_to is not None:
        conds.append("s.starts_at <= :start_to")
        params["start_to"] = q.start_to
    if q.free is not None:
        conds.append("s.free_places > 0" if q.free else "s.free_places = 0")
    if q.professional_ids is not None:
        conds.append("s.professional_id = ANY(:pids)")
        params["pids"] = list(q.professional_ids)
    if q.cpts_id is not None:
        conds.append("s.cpts_id = :cpts_id")
        params["cpts_id"] = q.cpts_id
    return conds, params


def find_slots(session: Session, q: SlotQuery) -> tuple[int, list[dict]]:
    """(total, one page of shifts, earliest first): id, cpts_id, professional_id,
    starts_at, ends_at, free_places, updated_at."""
    conds, params = _filters(q)
    where = " AND ".join(conds) or "TRUE"
    total = session.execute(text(f"SELECT count(*) FROM shift s WHERE {where}"),
                            params).scalar_one()
    if total == 0 or q.offset >= total:
        return total, []
    rows = session.execute(text(
        f"SELECT s.id, s.cpts_id, s.professional_id, s.starts_at, s.ends_at, s.free_places, "
        f"s.updated_at FROM shift s WHERE {where} ORDER BY s.starts_at, s.id "
        f"LIMIT :limit OFFSET :offset"), {**params, "limit": q.limit, "offset": q.offset})
    return total, [dict(r._mapping) for r in rows]


def slot(session: Session, shift_id: int) -> dict:
    _, rows = find_slots(session, SlotQuery(ids=[shift_id], limit=1))
    if not rows:
        raise NotFound(f"Créneau introuvable : {shift_id}.")
    return rows[0]


def schedules(session: Session, professional_ids: list[int] | None, *, cpts_id: int | None = None,
              offset: int = 0, limit: int = 20) -> tuple[int, list[dict]]:
    """(total, one page of schedules): one per holder of at least one shift, with the CPTS
    of their shifts and the span they cover."""
    conds, params = [], {"limit": limit, "offset": offset}
    if professional_ids is not None:
        conds.append("s.professional_id = ANY(:pids)")
        params["pids"] = list(professional_ids)
    if cpts_id is not None:
        conds.append("s.cpts_id = :cpts_id")
        params["cpts_id"] = cpts_id
    where = " AND ".join(conds) or "TRUE"
    total = session.execute(text(f"SELECT count(DISTINCT s.professional_id) FROM shift s "
                                 f"WHERE {where}"), params).scalar_one()
    rows = session.execute(text(
        f"SELECT s.professional_id, array_agg(DISTINCT s.cpts_id) AS cpts_ids, "
        f"min(s.starts_at) AS first_start, max(s.ends_at) AS last_end FROM shift s "
        f"WHERE {where} GROUP BY s.professional_id ORDER BY s.professional_id "
        f"LIMIT :limit OFFSET :offset"), params)
    return total, [dict(r._mapping) for r in rows]


def schedule(session: Session, professional_id: int) -> dict:
    _, rows = schedules(session, [professional_id], limit=1)
    if not rows:
        raise NotFound(f"Planning introuvable : {professional_id}.")
    return rows[0]
