"""The rotation, as a pure function: which professional takes which line of the weekly
template on which day. No database: the generation feeds it holidays and closures and writes
what it returns; a test checks it against a day-by-day oracle.

The rule, day after day from the first: a public holiday (unless told otherwise) has no shift;
on another day each template line for that weekday, in order of start time, goes to the next
professional of the rotation who is neither closed (absent) that day nor already on call at
that time; the rotation then continues after them. Nobody available: the line stays unfilled
(a gap the planning shows).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .rota_checks import Slot, instants


@dataclass(frozen=True)
class Line:
    """One line of the weekly template."""

    weekdays: frozenset[int]
    start: time
    end: time
    overnight: bool = False
    free_places: int = 0
    place: int | None = None


@dataclass(frozen=True)
class Planned:
    line: Line
    slot: Slot
    professional_id: int | None  # None: nobody available


def closed_on(closures: dict[int, list[tuple[date, date]]], professional_id: int,
              day: date) -> bool:
    return any(start <= day <= end for start, end in closures.get(professional_id, ()))


def days(start: date, end: date) -> Iterable[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def plan_rota(start: date, end: date, lines: list[Line], professionals: list[int], *,
              holidays: set[date] = frozenset(),
              closures: dict[int, list[tuple[date, date]]] | None = None) -> list[Planned]:
    closures = closures or {}
    pointer, busy_until = 0, {}  # professional -> end of their last planned shift
    planned: list[Planned] = []
    for day in days(start, end):
        if day in holidays:
            continue
        todays = sorted((ln for ln in lines if day.isoweekday() in ln.weekdays),
                        key=lambda ln: (ln.start, ln.end))
        for line in todays:
            slot = instants(day, line.start, line.end, line.overnight)
            chosen = None
            for k in range(len(professionals)):
                candidate = professionals[(pointer + k) % len(professionals)]
                if closed_on(closures, candidate, day):
                    continue
                if busy_until.get(candidate, datetime.min.replace(tzinfo=slot.starts_at.tzinfo)
                                  ) > slot.starts_at:
                    continue
                chosen, pointer = candidate, (pointer + k + 1) % len(professionals)
                busy_until[candidate] = slot.ends_at
                break
            planned.append(Planned(line, slot, chosen))
    return planned
