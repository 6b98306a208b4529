"""Opening hours: weekly slots in Europe/Paris wall-clock time, and the next opening.

A slot is (weekday 1–7, start, end, kind, valid from, valid to, site id); an end at or before
the start runs past midnight into the next day. An instant is converted to Paris local time
(which takes DST into account) before it is compared with slots; occurrences are built with
``zoneinfo``. An occurrence does not happen on a day its slot is closed (a public holiday where
its site is, a closure of the professional or of the site's place: ``openings``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from .openings import closed_days

PARIS = ZoneInfo("Europe/Paris")


def paris_local(at: datetime) -> datetime:
    """``at`` as a naive Paris wall-clock datetime (naive input already is one)."""
    if at.tzinfo is None:
        return at
    return at.astimezone(PARIS).replace(tzinfo=None)


def aware(at: datetime) -> datetime:
    return at.replace(tzinfo=PARIS) if at.tzinfo is None else at


def moment(at: datetime | None) -> tuple[datetime, date]:
    """The instant asked about (``at``, or now) and its day in Paris."""
    ref = aware(at) if at is not None else datetime.now(PARIS)
    return ref, paris_local(ref).date()


#: The next opening is looked for from the day before (a slot past midnight) over this many days.
WINDOW_DAYS = 9


def window(local_day: date) -> tuple[date, date]:
    """The first and last days ``next_slot_of`` looks at from ``local_day``."""
    return local_day - timedelta(days=1), local_day + timedelta(days=WINDOW_DAYS - 2)


def _slot_occurrences(slot, start_day: date, days: int, closed=frozenset()):
    """(start, end) aware datetimes of a weekly slot's occurrences from ``start_day``, except
    on the ``closed`` days."""
    weekday, st, en, valid_from, valid_to = slot
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        if day.isoweekday() != weekday or day in closed:
            continue
        if (valid_from and day < valid_from) or (valid_to and day > valid_to):
            continue
        end_day = day + timedelta(days=1) if en <= st else day
        yield (datetime.combine(day, st, tzinfo=PARIS), datetime.combine(end_day, en, tzinfo=PARIS))


def next_slot_of(slots, at: datetime, local_day: date, closed=None) -> dict | None:
    """The current or next occurrence among ``slots`` = [(weekday, start, end, kind, from, to,
    site id)]; ``closed`` maps a slot's site id to the days it does not happen."""
    best = None
    for weekday, st, en, kind, vf, vt, site_id in slots:
        days = closed(site_id) if closed is not None else frozenset()
        for start, end in _slot_occurrences((weekday, st, en, vf, vt),
                                            window(local_day)[0], WINDOW_DAYS, days):
            if end <= at:
                continue
            key = max(start, at)
            if best is None or key < best[0]:
                best = (key, start, end, kind, weekday, st, en)
            break  # occurrences come in time order
    if best is None:
        return None
    _, start, end, kind, weekday, st, en = best
    return {"kind": kind, "weekday": weekday, "start": st.strftime("%H:%M"),
            "end": en.strftime("%H:%M"), "starts_at": start.isoformat(),
            "ends_at": end.isoformat(), "open_now": start <= at}


def slots_from_json(items) -> list[tuple]:
    return [(wd, time.fromisoformat(st), time.fromisoformat(en), kind,
             date.fromisoformat(vf) if vf else None, date.fromisoformat(vt) if vt else None,
             site_id)
            for wd, st, en, kind, vf, vt, site_id in items or ()]


def next_slots(session: Session, professional_ids: Iterable[int],
               at: datetime | None = None) -> dict[int, dict]:
    """The current or next opening of each professional within a week of ``at`` (default now)."""
    ids = list(set(professional_ids))
    if not ids:
        return {}
    at, local_day = moment(at)
    rows = session.execute(text("""
        SELECT professional_id, weekday, start_time, end_time, kind, valid_from, valid_to,
               site_id
        FROM slot WHERE professional_id = ANY(CAST(:ids AS int[]))
    """), {"ids": ids}).all()
    by_pid: dict[int, list] = {}
    for pid, *slot in rows:
        by_pid.setdefault(pid, []).append(slot)
    closed = closed_days(session, by_pid, *window(local_day))
    out = {}
    for pid, slots in by_pid.items():
        found = next_slot_of(slots, at, local_day, closed.for_professional(pid))
        if found:
            out[pid] = found
    return out
