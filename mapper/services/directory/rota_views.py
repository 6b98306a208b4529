"""Reading the rota: a CPTS's shifts over a date range, as the API, the planning page and the
CSV export show them (holder, where, when in Paris time and UTC, free places, who changed them).

Only for who may see the rota (``rota_access``): phone numbers are the CPTS's business.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from .calendar import PARIS
from ...vocab import FRENCH_COLLATION

_SELECT = """
    SELECT s.id, s.cpts_id, s.professional_id, p.first_name, p.last_name, p.rpps,
           p.profession_code, coalesce(p.phone, ps.phone) AS phone, s.on_date, s.start_time,
           s.end_time, s.starts_at, s.ends_at, s.free_places, s.note, s.updated_by,
           s.updated_at, s.site_id, ps.address AS site_address,
           ps.commune_name AS site_commune, s.place_id, pl.name AS place_name,
           pl.kind AS place_kind, pl.address AS place_address,
           pl.commune_name AS place_commune
    FROM shift s
    JOIN professional p ON p.id = s.professional_id
    LEFT JOIN practice_site ps ON ps.id = s.site_id
    LEFT JOIN place pl ON pl.id = s.place_id
"""


def _view(row) -> dict:
    r = row._mapping
    overnight = r["ends_at"].astimezone(PARIS).date() > r["on_date"]
    where = None
    if r["place_id"] is not None:
        where = {"kind": "place", "id": r["place_id"], "name": r["place_name"],
                 "place_kind": r["place_kind"], "address": r["place_address"],
                 "commune_name": r["place_commune"]}
    elif r["site_id"] is not None:
        where = {"kind": "site", "id": r["site_id"], "name": None,
                 "address": r["site_address"], "commune_name": r["site_commune"]}
    return {
        "id": r["id"], "cpts": r["cpts_id"],
        "professional": {"id": r["professional_id"], "first_name": r["first_name"],
                         "last_name": r["last_name"], "rpps": r["rpps"],
                         "profession": r["profession_code"], "phone": r["phone"]},
        "date": r["on_date"].isoformat(), "start": r["start_time"].strftime("%H:%M"),
        "end": r["end_time"].strftime("%H:%M"), "overnight": overnight,
        "starts_at": r["starts_at"].isoformat(), "ends_at": r["ends_at"].isoformat(),
        "site": r["site_id"], "place": r["place_id"], "where": where,
        "free_places": r["free_places"], "note": r["note"], "updated_by": r["updated_by"],
        "updated_at": r["updated_at"].isoformat(),
    }


def shift_views(session: Session, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    rows = session.execute(text(_SELECT + " WHERE s.id = ANY(CAST(:ids AS int[]))"
                                " ORDER BY s.starts_at, s.id"), {"ids": list(ids)})
    return [_view(r) for r in rows]


def shift_view(session: Session, shift_id: int) -> dict:
    return shift_views(session, [shift_id])[0]


def default_range(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """``from``/``to`` as asked; by default the week from ``start`` (or today)."""
    start = start or today
    return start, end or start + timedelta(days=6)


def cpts_shifts(session: Session, cpts_id: int, start: date, end: date) -> list[dict]:
    """The CPTS's shifts whose day is from ``start`` to ``end`` (both included), in time
    order."""
    rows = session.execute(text(_SELECT + """
        WHERE s.cpts_id = :cpts AND s.on_date BETWEEN :start AND :end
        ORDER BY s.starts_at, p.last_name COLLATE {collation}, s.id""".format(
            collation=FRENCH_COLLATION)), {"cpts": cpts_id, "start": start, "end": end})
    return [_view(r) for r in rows]
