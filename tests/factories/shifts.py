"""Shifts for the on-call tests and benchmark, written as the rota's use cases write them:
wall-clock Europe/Paris date and times, UTC instants from ``calendar.wall_instants``.

(The rota's own use cases live on another branch; this factory inserts the row directly.)
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from mapper.models import Shift
from mapper.services.directory.calendar import PARIS, wall_instants


def make_shift(session, cpts_id: int, professional_id: int, day: date, start: time, end: time,
               *, free_places: int = 0, site_id: int | None = None, place_id: int | None = None,
               overnight: bool | None = None, note: str | None = None) -> Shift:
    """A shift on ``day`` from ``start`` to ``end`` (past midnight when ``end <= start``)."""
    if overnight is None:
        overnight = end <= start
    starts_at, ends_at = wall_instants(day, start, end, overnight=overnight)
    shift = Shift(cpts_id=cpts_id, professional_id=professional_id, site_id=site_id,
                  place_id=place_id, on_date=day, start_time=start, end_time=end,
                  starts_at=starts_at, ends_at=ends_at, free_places=free_places, note=note)
    session.add(shift)
    session.flush()
    return shift


def current_shift(session, cpts_id: int, professional_id: int, *, before: timedelta =
                  timedelta(hours=1), after: timedelta = timedelta(hours=3),
                  now: datetime | None = None, **fields) -> Shift:
    """A shift running now (started ``before`` ago, ending ``after`` from now), in whole
    minutes of Paris wall-clock time."""
    now = (now or datetime.now(timezone.utc)).astimezone(PARIS).replace(second=0, microsecond=0)
    start, end = now - before, now + after
    return make_shift(session, cpts_id, professional_id, start.date(), start.time(),
                      end.time(), overnight=end.date() != start.date(), **fields)
