"""Opening hours: weekly slots in Europe/Paris wall-clock time, and the next opening.

A slot is (weekday 1–7, start, end, kind, valid from, valid to); an end at or before the start
runs past midnight into the next day. An instant is converted to Paris local time (which takes
DST into account) before it is compared with slots; occurrences are built with ``zoneinfo``.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

PARIS = ZoneInfo("Europe/Paris")


def paris_local(at: datetime) -> datetime:
    """``at`` as a naive Paris wall-clock datetime (naive input already is one)."""
    if at.tzinfo is None:
        return at
    return at.astimezone(PARIS).replace(tzinfo=None)


def aware(at: datetime) -> datetime:
    return at.replace(tzinfo=PARIS) if at.tzinfo is None else at


def _slot_occurrences(slot, start_day: date, days: int):
    """(start, end) aware datetimes of a weekly slot's occurrences from ``start_day``."""
    weekday, st, en, valid_from, valid_to = slot
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        if day.isoweekday() != weekday:
            continue
        if (valid_from and day < valid_from) or (valid_to and day > valid_to):
            continue
        end_day = day + timedelta(days=1) if en <= st else day
        yield (datetime.combine(day, st, tzinfo=PARIS), datetime.combine(end_day, en, tzinfo=PARIS))


def next_slot_of(slots, at: datetime, local_day: date) -> dict | None:
    """The current or next occurrence among ``slots`` = [(weekday, start, end, kind, from, to)]."""
    best = None
    for weekday, st, en, kind, vf, vt in slots:
        for start, end in _slot_occurrences((weekday, st, en, vf, vt),
                                            local_day - timedelta(days=1), 9):
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
             date.fromisoformat(vf) if vf else None, date.fromisoformat(vt) if vt else None)
            for wd, st, en, kind, vf, vt in items or ()]


def next_slots(session: Session, professional_ids: Iterable[int],
               at: datetime | None = None) -> dict[int, dict]:
    """The current or next opening of each professional within a week of ``at`` (default now)."""
    ids = list(set(professional_ids))
    if not ids:
        return {}
    at = aware(at) if at is not None else datetime.now(PARIS)
    local_day = paris_local(at).date()
    rows = session.execute(text("""
        SELECT professional_id, weekday, start_time, end_time, kind, valid_from, valid_to
        FROM slot WHERE professional_id = ANY(CAST(:ids AS int[]))
    """), {"ids": ids}).all()
    by_pid: dict[int, list] = {}
    for pid, *slot in rows:
        by_pid.setdefault(pid, []).append(slot)
    out = {}
    for pid, slots in by_pid.items():
        found = next_slot_of(slots, at, local_day)
        if found:
            out[pid] = found
    return out
