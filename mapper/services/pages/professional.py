"""The public page of one professional (/professionnels/<id>): what a patient, a pharmacist or a
social worker may see, share and print.

Built from the public view of the entry (``directory.views.professional_public``, the one access
rule: never the private phone, the e-mail unless it is public, nor the CPTS's own key), then
every code turned into what a reader understands: competency labels, commune names (the site's
own, else the reference's), zones as commune names or "10 km autour de <site>", the weekly slots
grouped by site and weekday. The read model names the fields it passes on, one by one: a new
column of the entry reaches this page only when someone adds it here.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..communes import commune_names
from ..directory.slots import PARIS
from ..directory.views import professional_public, professional_zone_geojson
from ..directory.vocabularies import competency_labels

#: Fields of the public view the page shows as they are.
PUBLIC_FIELDS = ("id", "civility", "first_name", "last_name", "profession", "profession_label",
                 "specialty", "accepts_new_patients", "home_visits", "teleconsultation",
                 "accessible", "phone", "website", "last_verified_at", "stale", "next_slot")
WEEKDAYS = range(1, 8)


def _alphabetical(words) -> list[str]:
    """Sorted as a reader expects: case and accents ignored ("Éducation" before "Vaccination")."""
    def key(word: str) -> str:
        return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().casefold()
    return sorted(words, key=key)


def _site_label(site: dict) -> str:
    """How a site is named in sentences ("10 km autour de …")."""
    town = site.get("commune_name")
    if site.get("name"):
        return f"{site['name']} ({town})" if town else site["name"]
    return ", ".join(x for x in (site.get("address"), town) if x)


def _site(raw: dict, names: dict[str, str]) -> dict:
    town = raw.get("commune_name") or names.get(raw.get("commune") or "")
    site = {"name": raw.get("name"), "address": raw.get("address"),
            "postcode": raw.get("postcode"), "commune_name": town,
            "phone": raw.get("phone"), "lat": raw.get("lat"), "lon": raw.get("lon"),
            "place": (raw.get("place") or {}).get("name")}
    site["label"] = _site_label(site)
    return site


def _current(slot: dict, today: date) -> bool:
    """A slot whose validity has not ended (ended slots are history, not hours)."""
    return not slot.get("valid_to") or date.fromisoformat(slot["valid_to"]) >= today


def _week(slots: list[dict]) -> list[dict]:
    """The weekdays that have slots, Monday first, each with its slots in time order."""
    days = []
    for weekday in WEEKDAYS:
        day = sorted((s for s in slots if s["weekday"] == weekday),
                     key=lambda s: (s["start"], s["end"]))
        if day:
            days.append({"weekday": weekday,
                         "slots": [{"start": s["start"], "end": s["end"], "kind": s["kind"],
                                    "valid_from": s.get("valid_from"),
                                    "valid_to": s.get("valid_to")} for s in day]})
    return days


def _hours(slots: list[dict], site_count: int, today: date) -> tuple[list, list]:
    """The week of each site (by index), and of the slots attached to no site (those are the
    site's own when there is only one)."""
    current = [s for s in slots if _current(s, today)]
    known = range(site_count)
    elsewhere = [s for s in current if s.get("site") not in known]
    if site_count == 1:
        return [_week(current)], []
    by_site = [_week([s for s in current if s.get("site") == i]) for i in known]
    return by_site, _week(elsewhere)


def _zone(raw: dict, names: dict[str, str], sites: list[dict]) -> dict:
    zone: dict[str, Any] = {"kind": raw["kind"]}
    if raw["kind"] == "communes":
        # A name wherever the reference has one; the code only for a commune it lacks.
        zone["communes"] = _alphabetical(names.get(c, c) for c in raw.get("communes") or ())
    elif raw["kind"] == "radius":
        zone["radius_km"] = raw.get("radius_km")
        index = raw.get("site")
        zone["site_label"] = sites[index]["label"] if index is not None and \
            0 <= index < len(sites) else None
    return zone


def _codes(entry: dict) -> set[str]:
    codes = {s["commune"] for s in entry["sites"] if s.get("commune")}
    for zone in entry["zones"]:
        codes.update(zone.get("communes") or ())
    return codes


def professional_page(session: Session, professional_id: int,
                      today: date | None = None) -> dict:
    """Everything the public page of a professional shows; NotFound for an unknown id."""
    entry = professional_public(session, professional_id)
    today = today or datetime.now(PARIS).date()
    names = commune_names(session, _codes(entry))
    labels = competency_labels(session)
    sites = [_site(s, names) for s in entry["sites"]]
    by_site, elsewhere = _hours(entry["slots"], len(sites), today)
    for site, week in zip(sites, by_site):
        site["week"] = week
    page = {key: entry.get(key) for key in PUBLIC_FIELDS}
    page.update(
        display_name=" ".join(x for x in (entry.get("first_name"), entry["last_name"]) if x),
        email=entry.get("email") if entry.get("public_email") else None,
        competencies=_alphabetical(labels.get(c, c) for c in entry["competencies"]),
        languages=list(entry.get("languages") or ()),
        sites=sites, other_week=elsewhere,
        zones=[_zone(z, names, sites) for z in entry["zones"]],
        zone_geometry=professional_zone_geojson(session, professional_id)
        if entry["zones"] else None,
        cpts=[{"name": c["name"], "slug": c["slug"]} for c in entry["cpts"]])
    return page
