"""The orientation map of a CPTS (page and widget): its members matching the filters, as
markers and as the accessible list next to the map (the same results, RGAA), grouped by
profession and paginated.

It applies the directory search's filters (``directory.filters.professional_filters``) and the
same address lookup (``geocoding.locate``), but fetches the members itself in one set-based
statement: a search result per professional is too slow for a 50 000-member map (see
tests/benchmarks/bench_maps.py). An address that cannot be located does not fail the map: it
shows every member with a notice saying why the filter was not applied.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import MapperError
from ...messages import N_
from ...maps.data import ProfessionalMarker
from ...schemas.orientation import OrientationParams
from ...vocab import FRENCH_COLLATION, french_key, profession_order
from ..directory.filters import professional_filters
from ..directory.lookup import check_professions, resolve_competencies
from ..directory.slots import next_slots
from ..directory import vocabularies
from ..directory.views import STALE_AFTER
from ..geocoding import locate
from ..territories.cpts import get_cpts
from .search import radius_of, search_query

log = logging.getLogger(__name__)

#: Tolerance of the boundary drawn on the orientation map (degrees, ~5 m): display only.
BOUNDARY_SIMPLIFY = 0.00005
#: Rows of the list alternative per page (the map holds them all; the list is paginated).
LIST_PAGE_SIZE = 100


@dataclass
class ListEntry:
    """One professional in the list alternative (plain text; the template escapes)."""

    id: int
    name: str
    profession: str
    competencies: list[str]
    address: str | None
    phone: str | None
    accepts_new_patients: bool | None
    next_slot: dict | None  # the next opening (directory.slots), None when none this week
    open_now: bool
    stale: bool
    located: bool
    has_zone: bool


@dataclass
class ListGroup:
    code: str
    label: str
    entries: list[ListEntry]


@dataclass
class OrientationMap:
    cpts: Any  # the Cpts model (name, slug, website, embed_origins…)
    filters: OrientationParams
    markers: list[ProfessionalMarker]
    boundary: dict | None
    total: int
    groups: list[ListGroup]
    page: int
    pages: int
    unlocated: int
    stale: int
    address_label: str | None = None
    place: tuple[float, float] | None = None  # the searched place (lat, lon), if any
    radius_km: float | None = None  # members practising within it (no ``domicile``)
    notices: list[str] = field(default_factory=list)
    professions: list[tuple[str, str]] = field(default_factory=list)  # choices of the form
    competencies: list[tuple[str, str]] = field(default_factory=list)


def _boundary(session: Session, cpts_id: int) -> dict | None:
    raw = session.execute(text(
        "SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tol), 5) FROM cpts "
        "WHERE id = :id AND geom IS NOT NULL"), {"id": cpts_id, "tol": BOUNDARY_SIMPLIFY}).scalar()
    return json.loads(raw) if raw else None


#: The members (filtered) first, as an array: the details statement is then planned for
#: exactly that many professionals, and every part of it is driven by their ids (index scans
#: whose cost follows the CPTS's size, never a scan of the directory's 200 000+ entries).
_MEMBER_IDS = """
    SELECT coalesce(array_agg(p.id), '{{}}') FROM cpts_member cm
    JOIN professional p ON p.id = cm.professional_id
    WHERE cm.cpts_id = :cpts_id AND {where}
"""
#: The members of a CPTS as the map needs them, one row each, in one set-based statement: the
#: directory's ``_build`` makes a full search result per professional (correlated sub-queries,
#: 30 fields), which is too slow for a 50 000-member map. Same filters, same first site
#: (located first, then by id), same "stale" rule as the directory.
_MEMBERS = """
    WITH comp AS (
      SELECT pc.professional_id AS id,
             array_agg(c.label ORDER BY c.label COLLATE {collation}) AS labels
      FROM professional_competency pc JOIN competency c ON c.id = pc.competency_id
      WHERE pc.professional_id = ANY(:ids) GROUP BY pc.professional_id
    ), zoned AS (
      SELECT DISTINCT professional_id AS id FROM intervention_zone
      WHERE professional_id = ANY(:ids)
    ), slotted AS (
      SELECT DISTINCT professional_id AS id FROM slot WHERE professional_id = ANY(:ids)
    )
    SELECT p.id, concat_ws(' ', p.civility, nullif(p.first_name, ''), p.last_name) AS full_name,
           p.first_name, p.last_name, p.profession_code, coalesce(pr.label, p.profession_code),
           p.specialty, comp.labels,
           nullif(concat_ws(', ', s.name, s.address,
                            nullif(concat_ws(' ', s.postcode, s.town), '')), ''),
           round(ST_Y(s.geom)::numeric, 6)::float8, round(ST_X(s.geom)::numeric, 6)::float8,
           p.phone, p.accepts_new_patients,
           (p.last_verified_at IS NULL OR p.last_verified_at < :stale_before) AS stale,
           zoned.id IS NOT NULL AS has_zone, slotted.id IS NOT NULL AS has_slot, s.town
    FROM professional p
    LEFT JOIN profession pr ON pr.code = p.profession_code
    LEFT JOIN comp ON comp.id = p.id
    LEFT JOIN zoned ON zoned.id = p.id
    LEFT JOIN slotted ON slotted.id = p.id
    LEFT JOIN (
      SELECT DISTINCT ON (ps.professional_id) ps.professional_id AS id, ps.name, ps.address,
             ps.postcode, coalesce(ps.commune_name, c.name) AS town, ps.geom
      FROM practice_site ps LEFT JOIN commune c ON c.code = ps.commune_code
      WHERE ps.professional_id = ANY(:ids)
      ORDER BY ps.professional_id, ps.geom IS NULL, ps.id) s ON s.id = p.id
    WHERE p.id = ANY(:ids)
    ORDER BY p.last_name COLLATE {collation}, p.first_name COLLATE {collation}, p.id
""".replace("{collation}", FRENCH_COLLATION)


def _member_rows(session: Session, cpts_id: int, filters: OrientationParams,
                 place: tuple[float, float] | None, now: datetime) -> list:
    """The directory search's filters (profession, competencies, new patients, open at an
    instant, language…) over the members of one CPTS; with a place, those whose intervention
    zone covers it (``domicile``) or who practise within ``rayon`` km of it."""
    query = search_query(filters, place, limit=None, now=now)
    check_professions(session, query.professions)
    competency_ids = resolve_competencies(session, query.competencies, field="competency")
    where, params = professional_filters(query, competency_ids, None)
    if query.professions:
        where.append("p.profession_code = ANY(:professions)")
        params["professions"] = list(query.professions)
    point = "ST_SetSRID(ST_MakePoint(:cov_lon, :cov_lat), 4326)"
    if place is not None:
        params.update(cov_lat=float(place[0]), cov_lon=float(place[1]))
    if query.covers is not None:
        where.append("EXISTS (SELECT 1 FROM intervention_zone z WHERE z.professional_id = p.id "
                     f"AND ST_Intersects(z.geom, {point}))")
    elif place is not None and query.radius_km is not None:
        where.append("EXISTS (SELECT 1 FROM practice_site ps WHERE ps.professional_id = p.id "
                     f"AND ST_DWithin(ps.geom::geography, {point}::geography, :radius_m, false))")
        params["radius_m"] = query.radius_km * 1000.0
    params.update(cpts_id=cpts_id,
                  stale_before=datetime.now(timezone.utc) - STALE_AFTER)
    ids = session.execute(text(_MEMBER_IDS.format(where=" AND ".join(where) or "TRUE")),
                          params).scalar_one()
    if not ids:
        return []
    # A cheap statement the planner overestimates: JIT compilation would cost more than it saves.
    session.execute(text("SET LOCAL jit = off"))
    return session.execute(text(_MEMBERS), {"ids": ids, "stale_before": params["stale_before"]}
                           ).all()


def _reason(exc: MapperError) -> str:
    """The field-level reason of a failed address (a catalogue message), else the detail."""
    for reasons in (exc.errors or {}).values():
        if isinstance(reasons, list) and reasons:
            return reasons[0]
    return exc.detail


def _locate(session: Session, settings, address: str, geocoder) -> tuple[tuple | None, str | None,
                                                                      list[str]]:
    """(covers point, label, notices) of the address filter; a failure becomes a notice."""
    try:
        found = locate(session, settings, address, client=geocoder)
    except MapperError as exc:
        log.info("orientation map: address filter not applied: %s", exc.log_message)
        return None, None, [_reason(exc), N_("Le filtre par adresse n'a pas été appliqué.")]
    return (found.lat, found.lon), found.label, []


def _marker(row, slot: dict | None, zone_url_template: str | None) -> ProfessionalMarker:
    (pid, _full, first, last, code, label, specialty, comp, address, lat, lon, phone,
     accepts, is_stale, has_zone, _slotted, town) = row
    return ProfessionalMarker(
        id=pid, first_name=first or "", last_name=last, profession_code=code,
        profession_label=f"{label} – {specialty}" if specialty else label,
        competencies=comp or (), address=address, lat=lat, lon=lon, phone=phone,
        accepts_new_patients=accepts, next_slot=slot, stale=is_stale, town=town,
        zone_url=(zone_url_template.replace("{id}", str(pid))
                  if has_zone and zone_url_template else None))


def _list_entry(row, slot: dict | None, zone_url_template: str | None) -> ListEntry:
    return ListEntry(
        id=row[0], name=row[1], profession=f"{row[5]} – {row[6]}" if row[6] else row[5],
        competencies=list(row[7] or []), address=row[8], phone=row[11],
        accepts_new_patients=row[12], next_slot=slot, open_now=bool(slot and slot["open_now"]),
        stale=row[13], located=row[9] is not None and row[10] is not None,
        has_zone=bool(row[14] and zone_url_template))


def _groups(rows, slots: dict, labels: dict[str, str], page: int,
            zone_url_template: str | None) -> list[ListGroup]:
    """One page of the list, grouped by profession (professions in their usual order)."""
    ordered = sorted(rows, key=lambda r: profession_order(r[4]))  # stable: by name within
    groups: list[ListGroup] = []
    for r in ordered[(page - 1) * LIST_PAGE_SIZE:page * LIST_PAGE_SIZE]:
        if not groups or groups[-1].code != r[4]:
            groups.append(ListGroup(r[4], labels.get(r[4]) or r[5] or r[4], []))
        groups[-1].entries.append(_list_entry(r, slots.get(r[0]), zone_url_template))
    return groups


def orientation_map(session: Session, id_or_slug: str, filters: OrientationParams, settings, *,
                    geocoder=None, zone_url_template: str | None = None, page: int = 1,
                    now: datetime | None = None) -> OrientationMap:
    """The members of a CPTS matching ``filters``, as markers and as a paginated list.

    A place (``adresse``, located as every search locates an address, ``geocoder`` being the
    BAN client; or ``lat``/``lon``) keeps the professionals practising within the radius
    (``rayon``, else the profession's default), or with ``domicile`` those whose intervention
    zone covers it. ``zone_url_template``
    (``{id}``) is where the browser fetches an intervention zone.
    """
    cpts = get_cpts(session, id_or_slug)
    place, address_label, notices = filters.near, None, []
    if place is None and filters.address:
        place, address_label, notices = _locate(session, settings, filters.address, geocoder)
    at = now or datetime.now(timezone.utc)
    rows = _member_rows(session, cpts.id, filters, place, at)
    slots = next_slots(session, [r[0] for r in rows if r[15]], at)
    markers = [_marker(r, slots.get(r[0]), zone_url_template) for r in rows
               if r[9] is not None and r[10] is not None]
    unlocated = len(rows) - len(markers)
    if unlocated:
        notices.append(N_("%(n)s professionnel(s) sans adresse localisée figurent dans la "
                          "liste mais pas sur la carte.", n=unlocated))
    professions = {p["code"]: p["label"] for p in vocabularies.professions(session)}
    pages = max(1, -(-len(rows) // LIST_PAGE_SIZE))
    page = min(max(1, page), pages)
    return OrientationMap(
        cpts=cpts, filters=filters, markers=markers, boundary=_boundary(session, cpts.id),
        total=len(rows), groups=_groups(rows, slots, professions, page, zone_url_template),
        page=page, pages=pages, unlocated=unlocated, stale=sum(bool(r[13]) for r in rows),
        address_label=address_label, notices=notices, place=place,
        radius_km=radius_of(filters)[0] if place is not None and not filters.covers_me else None,
        professions=[(p["code"], p["label"])
                     for p in sorted(vocabularies.professions(session, for_patients=True),
                                     key=lambda p: french_key(p["label"]))],
        competencies=list(vocabularies.competency_labels(session).items()))
