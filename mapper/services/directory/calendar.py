"""Dated events in Europe/Paris wall-clock time, and French public holidays.

Shifts and permanences are entered as a local date and times; they are stored with their UTC
instants, computed here once with ``zoneinfo`` so that DST is settled on write:

* a time that does not exist (the spring-forward hour, 02:00–03:00 on the last Sunday of March)
  is read with the offset before the change (``fold=0``): 02:30 becomes 03:30 CEST;
* a time that happens twice (the fall-back hour, last Sunday of October) is its first
  occurrence (``fold=0``, still CEST).

Public holidays come from the maintained ``holidays`` package, by département: Alsace-Moselle
(57, 67, 68) has Good Friday and St Stephen's Day, each overseas département its own days
(abolition of slavery…). Names are in French.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

from ...vocab import LOCAL_TIMEZONE

PARIS = ZoneInfo(LOCAL_TIMEZONE)

#: holidays.France subdivisions by département code (others: métropole).
_SUBDIVISIONS = {"57": "57", "67": "6AE", "68": "6AE", "971": "971", "972": "972",
                 "973": "973", "974": "974", "976": "976"}


def local_instant(day: date, at: time) -> datetime:
    """The UTC instant of a Paris wall-clock date and time (see the module docstring)."""
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=PARIS).astimezone(
        timezone.utc)


def wall_instants(day: date, start: time, end: time, *, overnight: bool = False
                  ) -> tuple[datetime, datetime]:
    """``(starts_at, ends_at)`` in UTC of an event from ``start`` to ``end`` on ``day`` (with
    ``overnight``, ``end`` is on the next day). Raises ``ValueError`` when it would end before
    it starts."""
    end_day = day + timedelta(days=1) if overnight else day
    starts_at, ends_at = local_instant(day, start), local_instant(end_day, end)
    if ends_at <= starts_at:
        raise ValueError("end before start")
    return starts_at, ends_at


def holiday_subdivision(departement: str | None) -> str | None:
    """The ``holidays.France`` subdivision of a département code (None: métropole rules)."""
    return _SUBDIVISIONS.get((departement or "").strip().upper())


@functools.lru_cache(maxsize=256)
def _calendar(year: int, subdivision: str | None) -> dict[date, str]:
    return dict(holidays.France(years=year, subdiv=subdivision, language="fr").items())


def public_holidays(start: date, end: date, departement: str | None = None) -> dict[date, str]:
    """French public holidays from ``start`` to ``end`` (both included) in a département:
    ``{date: French name}``."""
    subdivision = holiday_subdivision(departement)
    out: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _calendar(year, subdivision).items():
            if start <= day <= end:
                out[day] = name
    return dict(sorted(out.items()))


def is_public_holiday(day: date, departement: str | None = None) -> bool:
    return day in _calendar(day.year, holiday_subdivision(departement))
