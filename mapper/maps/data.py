"""Plain inputs of the map builders.

The services turn query results into these dataclasses; the builders never see a Session or a
model. Every string here may come from a user and is treated as untrusted text by the maps
(serialised as escaped JSON, rendered in the browser with ``textContent``). Geometries are
GeoJSON dicts in WGS84 lon/lat (RFC 7946), or, for the big ones of the territories map,
``GeoJSONText``: the text PostGIS wrote, passed through to the page without being parsed.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

GeoJSON = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class GeoJSONText:
    """A geometry as GeoJSON text written by PostGIS (``ST_AsGeoJSON``: numbers and names,
    no user text), embedded in the page as it is, and its box (west, south, east, north)."""

    text: str
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class TileConfig:
    """A raster tile layer. ``url=None`` means no tile layer at all (offline, tests).

    ``attribution`` is rendered by Leaflet as HTML: it comes from the operator's settings,
    never from users.
    """

    url: str | None
    attribution: str = ""
    max_zoom: int = 19


@dataclass(frozen=True, slots=True)
class ProfessionalMarker:
    """One professional at one practice site, as shown on the orientation map.

    ``next_slot`` is the next opening: an ISO 8601 datetime (its start) or the directory's
    slot dict (``starts_at``, ``end``, ``open_now``), formatted by the browser in the page's
    language; any other string is displayed as given. ``stale`` marks an entry not verified
    for six months. ``zone_url`` is where the GeoJSON of the intervention zone can be fetched
    (same origin), if any. ``town`` is the commune's name; ``distance_m`` the distance to the
    searched place (the builder measures it, as the crow flies, when not given).
    """

    id: int | str
    first_name: str
    last_name: str
    profession_code: str
    profession_label: str | None
    competencies: Sequence[str]
    address: str | None
    lat: float
    lon: float
    phone: str | None = None
    accepts_new_patients: bool | None = None
    next_slot: str | Mapping[str, Any] | None = None
    stale: bool = False
    zone_url: str | None = None
    town: str | None = None
    distance_m: float | None = None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name or "", self.last_name or "") if p).strip()


@dataclass(frozen=True, slots=True)
class TerritoryFeature:
    """A CPTS territory for the ARS review map. ``status``: intention|projet|valide|rejete."""

    id: int
    name: str
    slug: str
    status: str
    geometry: GeoJSON | GeoJSONText
    population: int | None = None
    #: Palette index chosen so that neighbours differ (``geo.colouring``); None: by status.
    colour: int | None = None
    #: (lon, lat) inside the territory where its name is written (PostGIS ST_PointOnSurface).
    label_point: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Claimant:
    """A CPTS claiming an overlap area: its name and slug (its page), its status code."""

    name: str
    slug: str
    status: str = ""


@dataclass(frozen=True, slots=True)
class OverlapArea:
    """One piece of land claimed by the same set of CPTS (two or more): a three-way claim is
    one piece listing the three, not three stacked pairs. ``communes`` names the communes it
    is made of ("Nice (06088)"), empty for drawn territories (then the area is geometric and
    ``population_estimated`` is True when the population was area-weighted)."""

    geometry: GeoJSON | GeoJSONText
    claimants: tuple[Claimant, ...]
    population_affected: int | None = None
    area_km2: float | None = None
    population_estimated: bool = False
    communes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OverlapFeature:
    """The overlap of two territories. ``population_estimated`` is True when the population
    was area-weighted (drawn polygons) rather than summed over shared communes."""

    geometry: GeoJSON
    cpts_a_name: str
    cpts_b_name: str
    population_affected: int | None = None
    area_km2: float | None = None
    population_estimated: bool = False


@dataclass(frozen=True, slots=True)
class CoverageCommune:
    """A commune (or arrondissement) and the ids of the CPTS whose territory claims it."""

    code: str
    nom: str
    population: int | None
    geometry: GeoJSON
    covered_by: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class CoverageTotals:
    """Totals shown in the coverage legend, computed by the coverage service."""

    communes_total: int
    communes_uncovered: int
    communes_multiple: int
    population_total: int | None = None
    population_uncovered: int | None = None
    population_multiple: int | None = None
