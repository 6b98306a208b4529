"""What a CPTS's widget and its configurator show: the professions present among its members
(the widget's choices when the CPTS chose none; the configurator's checkboxes), and the first
results of the orientation map, nearest first after a search by place."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...vocab import NOT_FOR_PATIENTS, french_key, profession_order
from .orientation import ListEntry, OrientationMap

def member_professions(session: Session, cpts_id: int) -> list[tuple[str, str]]:
    """(code, label) of the professions of the CPTS's members a patient may consult, in their
    usual order (never ``NOT_FOR_PATIENTS``: the widget's choices are the public's)."""
    rows = session.execute(text(
        "SELECT DISTINCT p.profession_code, coalesce(pr.label, p.profession_code) "
        "FROM cpts_member cm JOIN professional p ON p.id = cm.professional_id "
        "LEFT JOIN profession pr ON pr.code = p.profession_code "
        "WHERE cm.cpts_id = :id AND p.profession_code <> ALL(:hidden)"),
        {"id": cpts_id, "hidden": list(NOT_FOR_PATIENTS)}).all()
    return sorted(((code, label) for code, label in rows),
                  key=lambda r: (profession_order(r[0]), french_key(r[1])))


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
    far its practice site is (km, measured by the directory search on the sphere)."""

    entry: ListEntry
    distance_km: float | None = None


def widget_entries(data: OrientationMap, limit: int) -> list[WidgetEntry]:
    """Without a place: the first ``limit`` entries of the orientation map's list."""
    return [WidgetEntry(e) for group in data.groups for e in group.entries][:limit]


def _address(site: dict | None) -> str | None:
    if not site:
        return None
    town = " ".join(p for p in (site.get("postcode"), site.get("commune_name")) if p)
    return ", ".join(p for p in (site.get("address"), town) if p) or None


def result_entries(results: list[dict]) -> list[WidgetEntry]:
    """After a search by place: the directory search's results (``pages.search``: nearest
    first, or the fair order of the day for a commune), as the widget lists them."""
    out = []
    for r in results:
        label = r["profession_label"] or r["profession"]
        slot = r.get("next_slot")
        out.append(WidgetEntry(ListEntry(
            id=r["id"], name=" ".join(p for p in (r.get("civility"), r.get("first_name"),
                                                  r["last_name"]) if p),
            profession=f"{label} – {r['specialty']}" if r.get("specialty") else label,
            competencies=list(r.get("competencies") or []), address=_address(r.get("site")),
            phone=r.get("phone"), accepts_new_patients=r.get("accepts_new_patients"),
            next_slot=slot, open_now=bool(slot and slot.get("open_now")), stale=r["stale"],
            located=bool(r.get("site") and r["site"].get("lat") is not None),
            has_zone=False), r.get("distance_km")))
    return out
