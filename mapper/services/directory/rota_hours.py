"""The hours a CPTS wants someone on call, and the gaps in them: the parts of those hours,
day by day, that no shift of the CPTS covers. Computed on UTC instants (so a DST day has the
hours it really has) and given back in Paris wall-clock time."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from ...models import Cpts, RotaHours
from ...models.rota_hours import DEFAULT_END, DEFAULT_START, DEFAULT_WEEKDAYS
from .. import audit
from .calendar import PARIS, public_holidays, wall_instants
from .rota_access import require_manage_rota
from .rota_checks import cpts_departement
from .rota_plan import days


def rota_hours(session: Session, cpts_id: int) -> dict:
    row = session.get(RotaHours, cpts_id)
    if row is None:
        return {"weekdays": list(DEFAULT_WEEKDAYS), "start": DEFAULT_START.strftime("%H:%M"),
                "end": DEFAULT_END.strftime("%H:%M"), "default": True}
    return {"weekdays": sorted(row.weekdays), "start": row.start_time.strftime("%H:%M"),
            "end": row.end_time.strftime("%H:%M"), "default": False}


def set_rota_hours(session: Session, principal, cpts: Cpts, data: dict) -> dict:
    """Set the on-call hours (``schemas.rota.RotaHoursSchema``)."""
    require_manage_rota(principal, cpts.id)
    before = rota_hours(session, cpts.id)
    row = session.get(RotaHours, cpts.id) or RotaHours(cpts_id=cpts.id)
    row.weekdays = sorted(set(data["weekdays"]))
    row.start_time, row.end_time = data["start"], data["end"]
    row.updated_at = datetime.now(PARIS)
    session.add(row)
    session.flush()
    after = rota_hours(session, cpts.id)
    audit.record(session, principal, "rota.hours", "cpts", cpts.id, before=before, after=after)
    return after


def _minus(window: tuple[datetime, datetime], covers: list[tuple[datetime, datetime]]):
    """The parts of ``window`` outside every interval of ``covers``."""
    out, cursor = [], window[0]
    for start, end in sorted(covers):
        if end <= cursor or start >= window[1]:
            continue
        if start > cursor:
            out.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < window[1]:
        out.append((cursor, window[1]))
    return out


def gaps(session: Session, cpts_id: int, shifts: list[dict], start: date, end: date, *,
         hours: dict | None = None) -> list[dict]:
    """Uncovered parts of the on-call hours from ``start`` to ``end`` (public holidays of
    the CPTS's département excepted), given the CPTS's ``shifts`` (views of ``rota_views``)."""
    hours = hours or rota_hours(session, cpts_id)
    begin, finish = time.fromisoformat(hours["start"]), time.fromisoformat(hours["end"])
    holidays = public_holidays(start, end, cpts_departement(session, cpts_id))
    covers = [(datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"]))
              for s in shifts]
    out = []
    for day in days(start, end):
        if day.isoweekday() not in hours["weekdays"] or day in holidays:
            continue
        for a, b in _minus(wall_instants(day, begin, finish), covers):
            la, lb = a.astimezone(PARIS), b.astimezone(PARIS)
            out.append({"date": day.isoformat(), "start": la.strftime("%H:%M"),
                        "end": lb.strftime("%H:%M"), "starts_at": a.isoformat(),
                        "ends_at": b.isoformat()})
    return out
