"""What the map pages show: service results turned into the map builders' dataclasses.

One function per page (``orientation_map``, ``territory_map``, ``coverage_map``); each returns
the builder inputs *and* the rows of the accessible list shown next to the map (the same
results, RGAA). No Flask here: the views parse the query string into ``MapFilters``, call one
function, and render. The territory and coverage maps use the territory services as they are
(CPTS features, overlap pairs, coverage GeoJSON). The orientation map applies the directory
search's filters (``search.professional_filters``, the same geocoding cache for ``address``)
but fetches the members itself in one set-based statement: a search result per professional is
too slow for a 50 000-member map (see tests/benchmarks/bench_maps.py).
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..maps.data import (CoverageCommune, CoverageTotals, OverlapFeature, ProfessionalMarker,
                         TerritoryFeature)
from ..maps.style import profession_style, status_style
from ..reference import DEPARTEMENT_REGION, REGIONS

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "oui", "on", "yes"}
_FALSE = {"0", "false", "non", "off", "no"}
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: ``scheme://host[:port]`` as CSP frame-ancestors accepts it, nothing else (no ; , spaces).
ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
#: Tolerance of the boundary drawn on the orientation map (degrees, ~5 m): display only.
BOUNDARY_SIMPLIFY = 0.00005
#: Rows of the list alternative per page (the map holds them all; the list is paginated).
LIST_PAGE_SIZE = 100

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SLOT_KINDS = {"snp": "soins non programmés", "vaccination": "vaccination",
              "permanence": "permanence"}


# -- filters --------------------------------------------------------------------------------

def _values(args: Mapping, name: str) -> list[str]:
    raw = args.getlist(name) if hasattr(args, "getlist") else (
        [args[name]] if name in args else [])
    return [part.strip() for item in raw for part in str(item).split(",") if part.strip()]


def _flag(args: Mapping, name: str) -> bool | None:
    values = _values(args, name)
    if not values:
        return None
    value = values[-1].lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationFailed(f"Valeur invalide pour {name}.",
                           errors={name: ["attendu : oui ou non (1/0, true/false)"]})


@dataclass(frozen=True)
class MapFilters:
    """The filters of the orientation map (and its widget), from the query string."""

    professions: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    accepting_new_patients: bool | None = None
    open_now: bool = False
    address: str | None = None

    @classmethod
    def from_args(cls, args: Mapping) -> "MapFilters":
        """Parse ``profession`` / ``competency`` (repeatable or comma-separated),
        ``accepting_new_patients``, ``open_now`` (oui/non, 1/0, true/false) and ``address``.
        Bad values raise ValidationFailed (a French 422 page)."""
        errors: dict[str, list[str]] = {}
        professions = [p.lower() for p in _values(args, "profession")]
        competencies = [c.lower() for c in _values(args, "competency")]
        for name, items in (("profession", professions), ("competency", competencies)):
            bad = [v for v in items if not _CODE_RE.match(v)]
            if bad or len(items) > 20:
                errors[name] = ["code invalide"]
        address = " ".join(_values(args, "address")) or None
        if address is not None and not 3 <= len(address) <= 200:
            errors["address"] = ["adresse de 3 à 200 caractères"]
        if errors:
            raise ValidationFailed("Filtres de la carte invalides.", errors=errors)
        return cls(
            professions=tuple(dict.fromkeys(professions)),
            competencies=tuple(dict.fromkeys(competencies)),
            accepting_new_patients=_flag(args, "accepting_new_patients"),
            open_now=bool(_flag(args, "open_now")),
            address=address,
        )

    def query_items(self) -> list[tuple[str, str]]:
        items = [("profession", p) for p in self.professions]
        items += [("competency", c) for c in self.competencies]
        if self.accepting_new_patients is not None:
            items.append(("accepting_new_patients", "1" if self.accepting_new_patients else "0"))
        if self.open_now:
            items.append(("open_now", "1"))
        if self.address:
            items.append(("address", self.address))
        return items

    def query_string(self) -> str:
        """The filters as a query string ('' when none), for links and the iframe snippet."""
        return urlencode(self.query_items())

    @property
    def active(self) -> bool:
        return bool(self.query_items())


# -- the orientation map of a CPTS -------------------------------------------------------------

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
    next_slot: str | None
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
    filters: MapFilters
    markers: list[ProfessionalMarker]
    boundary: dict | None
    total: int
    groups: list[ListGroup]
    page: int
    pages: int
    unlocated: int
    stale: int
    address_label: str | None = None
    notices: list[str] = field(default_factory=list)
    professions: list[tuple[str, str]] = field(default_factory=list)  # choices of the form
    competencies: list[tuple[str, str]] = field(default_factory=list)


def frame_ancestors(cpts) -> list[str]:
    """Origins allowed to frame the CPTS widget: ``embed_origins``, else the origin of its
    ``website``; only well-formed ``scheme://host[:port]`` values are kept (they go into a
    header)."""
    origins = [str(o).strip().rstrip("/") for o in (cpts.embed_origins or [])]
    if not origins and cpts.website:
        parts = urlsplit(cpts.website.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            origins = [f"{parts.scheme}://{parts.netloc}"]
    return [o for o in dict.fromkeys(origins) if ORIGIN_RE.match(o)]


def _slot_text(slot: dict | None) -> tuple[str | None, str | None, bool]:
    """(value for the marker, text for the list, open now) of a ``next_slot``."""
    if not slot:
        return None, None, False
    kind = SLOT_KINDS.get(slot.get("kind"), slot.get("kind") or "")
    if slot.get("open_now"):
        label = f"ouvert maintenant jusqu'à {slot.get('end')} ({kind})"
        return label, label, True
    try:
        start = datetime.fromisoformat(slot["starts_at"])
        day = WEEKDAYS[start.isoweekday() - 1]
        label = f"{day} {start:%d/%m} de {slot.get('start')} à {slot.get('end')} ({kind})"
    except (KeyError, ValueError, TypeError):
        label = None
    return slot.get("starts_at"), label, False


def _labels(session: Session, table: str, key: str) -> dict[str, str]:
    return {r[0]: r[1] for r in session.execute(
        text(f"SELECT {key}, label FROM {table} ORDER BY label"))}


def _boundary(session: Session, cpts_id: int) -> dict | None:
    raw = session.execute(text(
        "SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tol), 5) FROM cpts "
        "WHERE id = :id AND geom IS NOT NULL"), {"id": cpts_id, "tol": BOUNDARY_SIMPLIFY}).scalar()
    return json.loads(raw) if raw else None


#: The members of a CPTS as the map needs them, one row each, in one set-based statement: the
#: directory's ``_build`` makes a full search result per professional (correlated sub-queries,
#: 30 fields), which is too slow for a 50 000-member map. Same filters, same first site
#: (located first, then by id), same "stale" rule as the directory.
_MEMBERS = """
    WITH m AS (
      SELECT p.id FROM cpts_member cm JOIN professional p ON p.id = cm.professional_id
      WHERE cm.cpts_id = :cpts_id AND {where}
    ), comp AS (
      SELECT pc.professional_id AS id, array_agg(c.label ORDER BY c.label) AS labels
      FROM professional_competency pc JOIN competency c ON c.id = pc.competency_id
      WHERE pc.professional_id IN (SELECT id FROM m) GROUP BY pc.professional_id
    ), zoned AS (
      SELECT DISTINCT professional_id AS id FROM intervention_zone
      WHERE professional_id IN (SELECT id FROM m)
    ), slotted AS (
      SELECT DISTINCT professional_id AS id FROM slot WHERE professional_id IN (SELECT id FROM m)
    )
    SELECT p.id, concat_ws(' ', p.civility, nullif(p.first_name, ''), p.last_name) AS full_name,
           p.first_name, p.last_name, p.profession_code, coalesce(pr.label, p.profession_code),
           p.specialty, comp.labels,
           nullif(concat_ws(', ', s.name, s.address,
                            nullif(concat_ws(' ', s.postcode, s.commune_name), '')), ''),
           round(ST_Y(s.geom)::numeric, 6)::float8, round(ST_X(s.geom)::numeric, 6)::float8,
           p.phone, p.accepts_new_patients,
           (p.last_verified_at IS NULL OR p.last_verified_at < :stale_before) AS stale,
           zoned.id IS NOT NULL AS has_zone, slotted.id IS NOT NULL AS has_slot
    FROM m JOIN professional p ON p.id = m.id
    LEFT JOIN profession pr ON pr.code = p.profession_code
    LEFT JOIN comp ON comp.id = p.id
    LEFT JOIN zoned ON zoned.id = p.id
    LEFT JOIN slotted ON slotted.id = p.id
    LEFT JOIN (
      SELECT DISTINCT ON (ps.professional_id) ps.professional_id AS id, ps.name, ps.address,
             ps.postcode, ps.commune_name, ps.geom
      FROM practice_site ps WHERE ps.professional_id IN (SELECT id FROM m)
      ORDER BY ps.professional_id, ps.geom IS NULL, ps.id) s ON s.id = p.id
    ORDER BY p.last_name, p.first_name, p.id
"""


def _member_rows(session: Session, cpts_id: int, filters: MapFilters,
                 open_at: datetime | None, covers: tuple[float, float] | None) -> list:
    """The directory search's filters (profession, competency, new patients, open at an
    instant, an intervention zone covering a point) over the members of one CPTS."""
    from .professionals import STALE_AFTER, resolve_competencies
    from .search import SearchQuery, professional_filters

    query = SearchQuery(professions=list(filters.professions),
                        competencies=list(filters.competencies),
                        accepting_new_patients=filters.accepting_new_patients,
                        open_at=open_at, limit=None)
    competency_ids = resolve_competencies(session, query.competencies, field="competency")
    where, params = professional_filters(query, competency_ids, None)
    if query.professions:
        where.append("p.profession_code = ANY(:professions)")
        params["professions"] = list(query.professions)
    if covers is not None:
        where.append("EXISTS (SELECT 1 FROM intervention_zone z WHERE z.professional_id = p.id "
                     "AND ST_Intersects(z.geom, ST_SetSRID(ST_MakePoint(:cov_lon, :cov_lat), "
                     "4326)))")
        params.update(cov_lat=float(covers[0]), cov_lon=float(covers[1]))
    params.update(cpts_id=cpts_id,
                  stale_before=datetime.now(timezone.utc) - STALE_AFTER)
    sql = _MEMBERS.format(where=" AND ".join(where) or "TRUE")
    # A cheap statement the planner overestimates: JIT compilation would cost more than it saves.
    session.execute(text("SET LOCAL jit = off"))
    return session.execute(text(sql), params).all()


def orientation_map(session: Session, id_or_slug: str, filters: MapFilters, *,
                    geocoder=None, min_score: float = 0.5, zone_url_template: str | None = None,
                    page: int = 1, now: datetime | None = None) -> OrientationMap:
    """The members of a CPTS matching ``filters`` (the directory search's filters), as markers
    and as a list grouped by profession (paginated by ``LIST_PAGE_SIZE``).

    ``address`` is geocoded (cache first, then ``geocoder``, a BanClient) and keeps the
    professionals whose intervention zone covers it; when the address cannot be resolved the
    map shows every member with a notice instead of failing. ``zone_url_template`` (``{id}``)
    is where the browser fetches an intervention zone.
    """
    from ..geocoding import GeocodingUnavailable
    from ..maps.style import profession_order
    from .cpts import get_cpts
    from .geocoding import resolve_query_address
    from .search import next_slots

    cpts = get_cpts(session, id_or_slug)
    notices: list[str] = []
    at = now or datetime.now(timezone.utc)
    covers = None
    address_label = None
    if filters.address:
        found = None
        try:
            if geocoder is not None:
                found = resolve_query_address(session, geocoder, filters.address, min_score)
        except GeocodingUnavailable as exc:
            log.warning("geocoding unavailable for the map: %s", exc)
            notices.append("Le service de géocodage est injoignable : le filtre par adresse "
                           "n'a pas pu être appliqué.")
        else:
            if found is None:
                notices.append("Adresse introuvable : le filtre par adresse n'a pas été "
                               "appliqué.")
            else:
                covers = (found.lat, found.lon)
                address_label = getattr(found, "label", None) or filters.address
    rows = _member_rows(session, cpts.id, filters, at if filters.open_now else None, covers)
    slots = next_slots(session, [r[0] for r in rows if r[15]], at)

    markers: list[ProfessionalMarker] = []
    unlocated = stale = 0
    for (pid, _full, first, last, code, label, specialty, comp, address, lat, lon, phone,
         accepts, is_stale, has_zone, _slotted) in rows:
        if specialty:
            label = f"{label} – {specialty}"
        stale += is_stale
        if lat is None or lon is None:
            unlocated += 1
            continue
        markers.append(ProfessionalMarker(
            id=pid, first_name=first or "", last_name=last, profession_code=code,
            profession_label=label, competencies=comp or (), address=address, lat=lat,
            lon=lon, phone=phone, accepts_new_patients=accepts,
            next_slot=_slot_text(slots.get(pid))[0], stale=is_stale,
            zone_url=(zone_url_template.replace("{id}", str(pid))
                      if has_zone and zone_url_template else None)))

    professions = _labels(session, "profession", "code")
    ordered = sorted(rows, key=lambda r: profession_order(r[4]))  # stable: by name within
    pages = max(1, -(-len(ordered) // LIST_PAGE_SIZE))
    page = min(max(1, page), pages)
    groups: list[ListGroup] = []
    for r in ordered[(page - 1) * LIST_PAGE_SIZE:page * LIST_PAGE_SIZE]:
        code = r[4]
        if not groups or groups[-1].code != code:
            groups.append(ListGroup(code, professions.get(code) or profession_style(code).label,
                                    []))
        _, slot_label, open_now = _slot_text(slots.get(r[0]))
        label = f"{r[5]} – {r[6]}" if r[6] else r[5]
        groups[-1].entries.append(ListEntry(
            id=r[0], name=r[1], profession=label, competencies=list(r[7] or []),
            address=r[8], phone=r[11], accepts_new_patients=r[12], next_slot=slot_label,
            open_now=open_now, stale=r[13], located=r[9] is not None and r[10] is not None,
            has_zone=bool(r[14] and zone_url_template)))
    if unlocated:
        notices.append(f"{unlocated} professionnel(s) sans adresse localisée figurent dans la "
                       "liste mais pas sur la carte.")
    return OrientationMap(
        cpts=cpts, filters=filters, markers=markers, boundary=_boundary(session, cpts.id),
        total=len(rows), groups=groups, page=page, pages=pages, unlocated=unlocated,
        stale=stale, address_label=address_label, notices=notices,
        professions=sorted(professions.items(), key=lambda kv: kv[1]),
        competencies=sorted(_labels(session, "competency", "slug").items(),
                            key=lambda kv: kv[1]))


# -- territories (ARS review) ------------------------------------------------------------------

def _check_area(region: str | None, departement: str | None) -> None:
    errors = {}
    if region and region not in REGIONS:
        errors["region"] = ["code de région inconnu"]
    if departement and departement not in DEPARTEMENT_REGION:
        errors["departement"] = ["code de département inconnu"]
    if errors:
        raise ValidationFailed("Zone géographique inconnue.", errors=errors)


def area_label(region: str | None, departement: str | None) -> str:
    if departement:
        return f"département {departement}"
    if region:
        name = REGIONS.get(region)
        return f"région {name if isinstance(name, str) else region}"
    return "France entière"


@dataclass
class TerritoryRow:
    id: int
    name: str
    slug: str
    status: str
    status_label: str
    population: int | None
    area_km2: float | None


@dataclass
class OverlapRow:
    a: str
    b: str
    a_slug: str
    b_slug: str
    shared_communes: list[str]
    population: int | None
    estimated: bool
    area_km2: float | None
    both_validated: bool
    arbitrated: bool


@dataclass
class TerritoryMap:
    territories: list[TerritoryFeature]
    overlaps: list[OverlapFeature]
    rows: list[TerritoryRow]
    overlap_rows: list[OverlapRow]
    area: str
    region: str | None
    departement: str | None


def _union_geojson(session: Session, codes: list[str]) -> dict | None:
    raw = session.execute(text(
        "SELECT ST_AsGeoJSON(ST_Union(geom), 5) FROM commune WHERE code = ANY(:codes)"),
        {"codes": codes}).scalar()
    return json.loads(raw) if raw else None


def territory_map(session: Session, region: str | None = None,
                  departement: str | None = None, status: str | None = None,
                  settings=None) -> TerritoryMap:
    """CPTS of a région / département coloured by status, and their overlaps (shared
    communes drawn as their union, drawn polygons as the intersection)."""
    from .cpts import list_cpts_features
    from .overlaps import overlap_pairs

    _check_area(region, departement)
    fc = list_cpts_features(session, region=region, departement=departement, status=status)
    territories, rows, ids = [], [], set()
    for f in fc["features"]:
        p = f["properties"]
        ids.add(p["id"])
        rows.append(TerritoryRow(p["id"], p["name"], p["slug"], p["status"],
                                 status_style(p["status"]).label, p.get("population"),
                                 p.get("area_km2")))
        if f.get("geometry"):
            territories.append(TerritoryFeature(p["id"], p["name"], p["slug"], p["status"],
                                                f["geometry"], p.get("population")))
    overlaps, overlap_rows = [], []
    pairs = overlap_pairs(session, region=region, settings=settings) if ids else []
    for pair in pairs:
        if pair["a"]["id"] not in ids and pair["b"]["id"] not in ids:
            continue
        estimated = pair["population_method"] != "communes"
        geometry = pair.get("geometry")
        if geometry is None and pair["shared_communes"]:
            geometry = _union_geojson(session, pair["shared_communes"])
        overlap_rows.append(OverlapRow(
            pair["a"]["name"], pair["b"]["name"], pair["a"]["slug"], pair["b"]["slug"],
            list(pair["shared_communes"]), pair["population_affected"], estimated,
            pair["overlap_area_km2"], pair["both_validated"], pair["arbitrated"]))
        if geometry:
            overlaps.append(OverlapFeature(geometry, pair["a"]["name"], pair["b"]["name"],
                                           pair["population_affected"],
                                           pair["overlap_area_km2"], estimated))
    return TerritoryMap(territories, overlaps, rows, overlap_rows,
                        area_label(region, departement), region, departement)


# -- coverage ----------------------------------------------------------------------------------

@dataclass
class CoverageRow:
    code: str
    nom: str
    population: int | None
    cpts: list[str]


@dataclass
class CoverageMap:
    communes: list[CoverageCommune]
    totals: CoverageTotals
    cpts_names: dict[int, str]
    uncovered: list[CoverageRow]
    multiple: list[CoverageRow]
    area: str
    region: str | None
    departement: str | None

    @property
    def population_covered(self) -> int:
        return (self.totals.population_total or 0) - (self.totals.population_uncovered or 0)


def coverage_map(session: Session, departement: str | None = None, region: str | None = None,
                 status: str | None = None) -> CoverageMap:
    """Communes of a département / région with the CPTS claiming them, and the totals."""
    from .coverage import coverage_geojson

    _check_area(region, departement)
    fc = coverage_geojson(session, departement=departement, region=region, status=status)
    ids = sorted({i for f in fc["features"] for i in f["properties"]["covered_by"]})
    names = {r[0]: r[1] for r in session.execute(
        text("SELECT id, name FROM cpts WHERE id = ANY(:ids)"), {"ids": ids})} if ids else {}
    communes, uncovered, multiple = [], [], []
    pop_total = pop_uncovered = pop_multiple = 0
    for f in fc["features"]:
        p = f["properties"]
        by = list(p["covered_by"])
        population = p.get("population") or 0
        communes.append(CoverageCommune(p["code"], p["nom"], population, f["geometry"], by))
        pop_total += population
        row = CoverageRow(p["code"], p["nom"], population, [names.get(i, str(i)) for i in by])
        if not by:
            uncovered.append(row)
            pop_uncovered += population
        elif len(by) > 1:
            multiple.append(row)
            pop_multiple += population
    totals = CoverageTotals(len(communes), len(uncovered), len(multiple), pop_total,
                            pop_uncovered, pop_multiple)
    return CoverageMap(communes, totals, names, uncovered, multiple,
                       area_label(region, departement), region, departement)


__all__ = ["CoverageMap", "LIST_PAGE_SIZE", "MapFilters", "OrientationMap", "TerritoryMap",
           "coverage_map", "frame_ancestors", "orientation_map", "territory_map"]
