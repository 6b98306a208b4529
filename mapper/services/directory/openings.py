"""Days when weekly slots do not happen: French public holidays (by the département of the
slot's site) and closures (of the professional, or of the place the slot's site belongs to).

The slot's site is its own ``site_id``, else the professional's first site (lowest id); a
professional without a site follows the métropole's holidays. The same rule is written twice,
once in Python for the next opening (``ClosedDays``, used by ``slots.next_slot_of``) and once
in SQL for the "open at" filter of searches and maps (``closed_sql``); tests hold them to the
same answers.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Iterable, Mapping

from sqlalchemy import text
from sqlalchemy.orm import Session

from .calendar import _SUBDIVISIONS, public_holidays

#: A département for each holiday calendar of France (None: métropole).
_CALENDARS = (None, "57", "67", "971", "972", "973", "974", "976")
#: The SQL département of the slot's site (NULL: no site, métropole rules).
_SLOT_SITE = ("(SELECT {col} FROM practice_site ps WHERE ps.professional_id = sl.professional_id"
              " AND (sl.site_id IS NULL OR ps.id = sl.site_id) ORDER BY ps.id LIMIT 1)")
_DEPT = ("CASE WHEN ps.commune_code LIKE '97%' THEN left(ps.commune_code, 3) "
         "ELSE left(ps.commune_code, 2) END")


def departement_of(commune_code: str | None) -> str | None:
    if not commune_code:
        return None
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


@functools.lru_cache(maxsize=32)
def _holiday_sets(start: date, end: date) -> Mapping[str | None, frozenset[date]]:
    """Per calendar, the holidays of the window (the same for every request of the day)."""
    return MappingProxyType({dep: frozenset(public_holidays(start, end, dep))
                             for dep in _CALENDARS})


def _calendar_key(departement: str | None) -> str | None:
    """The representative of a département's holiday calendar in ``_CALENDARS``."""
    sub = _SUBDIVISIONS.get(departement or "")
    return {"6AE": "67"}.get(sub, sub)


@dataclass
class ClosedDays:
    """Per professional, the days (within a window) each of their slots does not happen."""

    holidays: Mapping[str | None, frozenset[date]]
    professional: dict[int, set[date]] = field(default_factory=dict)
    place: dict[int, set[date]] = field(default_factory=dict)
    #: professional id -> [(site id, département, place id)] by site id (when needed).
    sites: dict[int, list[tuple[int, str | None, int | None]]] = field(default_factory=dict)

    def for_professional(self, pid: int):
        """A function: slot's site id (or None) -> the days that slot is closed."""
        sites = self.sites.get(pid, [])
        own = self.professional.get(pid, set())

        def closed(site_id: int | None) -> set[date]:
            site = next((s for s in sites if s[0] == site_id), None) if site_id else None
            if site is None and sites:
                site = sites[0]
            dep, place_id = (site[1], site[2]) if site else (None, None)
            days = set(self.holidays[_calendar_key(dep)]) | own
            if place_id is not None:
                days |= self.place.get(place_id, set())
            return days

        return closed


#: The closures of professionals ``h(pid)`` and of any place from ``:closed_from`` to
#: ``:closed_to``, as a JSON array of [professional id, place id, first day, last day] (NULL
#: when none). A page of results reads it in its own statement (``results.DETAILS``).
CLOSURES_OF_PAGE = """SELECT json_agg(json_build_array(
            c.professional_id, c.place_id, greatest(c.starts_on, CAST(:closed_from AS date)),
            least(c.ends_on, CAST(:closed_to AS date))))
        FROM closure c WHERE c.ends_on >= :closed_from AND c.starts_on <= :closed_to
          AND (c.professional_id IN (SELECT pid FROM h) OR c.place_id IS NOT NULL)"""


def closed_days(session: Session, professional_ids: Iterable[int], start: date, end: date,
                known: list | None = None) -> ClosedDays:
    """Holidays and closures from ``start`` to ``end`` for these professionals: the closures
    by ``CLOSURES_OF_PAGE`` (or ``known``, its result read with a page), and the sites only
    when they matter (holidays differing between départements in the window, or a closed
    place)."""
    ids = list(set(professional_ids))
    out = ClosedDays(_holiday_sets(start, end))
    if known is None:
        known = session.execute(text(
            "WITH h AS (SELECT unnest(CAST(:ids AS int[])) AS pid) " + CLOSURES_OF_PAGE),
            {"ids": ids, "closed_from": start, "closed_to": end}).scalar() or []
    for pid, place_id, first, last in known:
        first, last = date.fromisoformat(first), date.fromisoformat(last)
        days = {first + timedelta(days=i) for i in range((last - first).days + 1)}
        target = out.professional.setdefault(pid, set()) if pid else out.place.setdefault(
            place_id, set())
        target |= days
    uniform = len(set(out.holidays.values())) == 1
    if not uniform or out.place:
        for pid, sid, code, place_id in session.execute(text(
                "SELECT professional_id, id, commune_code, place_id FROM practice_site "
                "WHERE professional_id = ANY(CAST(:ids AS int[])) ORDER BY professional_id, id"),
                {"ids": ids}):
            out.sites.setdefault(pid, []).append((sid, departement_of(code), place_id))
    return out


def _holiday_condition(day: date, name: str) -> tuple[str | None, dict]:
    """SQL true when ``day`` is a public holiday where the slot's site is (None: never)."""
    where = {dep: day in public_holidays(day, day, dep) for dep in _CALENDARS}
    if not any(where.values()):
        return None, {}
    if all(where.values()):
        return "TRUE", {}
    dept = f"coalesce({_SLOT_SITE.format(col=_DEPT)}, '')"
    special = {d for d in _SUBDIVISIONS if where[_calendar_key(d)]}
    if where[None]:  # a métropole holiday, not in some overseas or eastern départements
        others = sorted(set(_SUBDIVISIONS) - special) or ["-"]
        return f"{dept} <> ALL(CAST(:{name} AS text[]))", {name: others}
    return f"{dept} = ANY(CAST(:{name} AS text[]))", {name: sorted(special)}


def closed_sql(day_param: str, day: date) -> tuple[str, dict]:
    """SQL true when the slot ``sl`` does not happen on ``day`` (bound as ``:day_param``):
    a public holiday where its site is, or a closure of its professional or of its site's
    place. The closure sets are uncorrelated sub-queries, computed once per statement; every
    part is TRUE or FALSE, never NULL (``NOT NULL`` would drop the slot)."""
    between = f"c.starts_on <= :{day_param} AND c.ends_on >= :{day_param}"
    parts = [
        f"sl.professional_id IN (SELECT c.professional_id FROM closure c "
        f"WHERE c.professional_id IS NOT NULL AND {between})",
        f"(sl.site_id IS NOT NULL AND sl.site_id IN (SELECT ps.id FROM closure c "
        f"JOIN practice_site ps ON ps.place_id = c.place_id WHERE {between}))",
        f"(sl.site_id IS NULL AND sl.professional_id IN (SELECT ps.professional_id "
        f"FROM closure c JOIN practice_site ps ON ps.place_id = c.place_id WHERE {between} "
        f"AND ps.id = (SELECT min(f.id) FROM practice_site f "
        f"WHERE f.professional_id = ps.professional_id)))",
    ]
    holiday, params = _holiday_condition(day, f"{day_param}_hol")
    if holiday:
        parts.insert(0, holiday)
    return "(" + " OR ".join(parts) + ")", params
