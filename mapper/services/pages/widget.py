"""What a CPTS's widget and its configurator show: the professions present among its members
(the widget's choices when the CPTS chose none; the configurator's checkboxes), and the first
results of the orientation map, nearest first after a search by place."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...vocab import profession_order
from .orientation import ListEntry, OrientationMap

#: Mean Earth radius (km): distances shown in the widget are great-circle, to 100 m.
EARTH_RADIUS_KM = 6371.0088


def member_professions(session: Session, cpts_id: int) -> list[tuple[str, str]]:
    """(code, label) of the professions of the CPTS's members, in their usual order."""
    rows = session.execute(text(
        "SELECT DISTINCT p.profession_code, coalesce(pr.label, p.profession_code) "
        "FROM cpts_member cm JOIN professional p ON p.id = cm.professional_id "
        "LEFT JOIN profession pr ON pr.code = p.profession_code "
        "WHERE cm.cpts_id = :id"), {"id": cpts_id}).all()
    return sorted(((code, label) for code, label in rows),
                  key=lambda r: (profession_order(r[0]), r[1]))


def offered(present: list[tuple[str, str]], labels: dict[str, str],
            choices: tuple[str, ...]) -> list[tuple[str, str]]:
    """The widget's profession choices: the chosen codes (in that order, known ones only), or
    every profession present among the members."""
    if not choices:
        return present
    return [(code, labels[code]) for code in choices if code in labels]


@dataclass
class WidgetEntry:
    """A result of the widget's list: the map's list entry and, after a search by place, how
    far its practice site is (great-circle km, for display and order)."""

    entry: ListEntry
    distance_km: float | None = None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def widget_entries(data: OrientationMap, limit: int) -> list[WidgetEntry]:
    """The first ``limit`` results of the orientation map's list: nearest first after a search
    by place (those without a located site last), else in the list's order."""
    entries = [e for group in data.groups for e in group.entries]
    if data.place is None:
        return [WidgetEntry(e) for e in entries[:limit]]
    where = {m.id: (m.lat, m.lon) for m in data.markers}
    out = [WidgetEntry(e, round(_km(data.place, where[e.id]), 1) if e.id in where else None)
           for e in entries]
    out.sort(key=lambda w: (w.distance_km is None, w.distance_km or 0.0))
    return out[:limit]
