"""The small map of a professional's public page: the practice sites and the zone
d'intervention.

Sites are markers in the profession's colour and glyph (``professionLayer`` with no cluster:
a handful of points); the zones are one non-interactive outline (``outlineLayer``) in the same
colour. Nothing is toggled (no layer control): the page lists the same facts in words beside
the map, which fits the sites and the zones.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import GeoJSON, TileConfig
from mapper.maps.elements import DataLayer
from mapper.maps.geometry import Bounds, compact_geometry, valid_lonlat
from mapper.maps.style import check_icon, profession_style

@dataclass(frozen=True, slots=True)
class SitePoint:
    """A practice site: where it is and how it is named (untrusted text, shown as text)."""

    lat: float
    lon: float
    label: str


def _zone_style(color: str) -> dict:
    return {"color": color, "weight": 2, "dashArray": "5 4", "fill": True,
            "fillColor": color, "fillOpacity": 0.15, "interactive": False}


def build_professional_map(
    sites: Iterable[SitePoint],
    zones: GeoJSON | None = None,
    profession_code: str = "",
    tiles: TileConfig | None = None,
    asset_prefix: str = "/assets",
    *,
    static_prefix: str = "/static/maps",
    title: str = "Lieux d'exercice et zone d'intervention",
    profession_label: str = "",
) -> folium.Map:
    """The sites as markers and the zones as an outline; fits both."""
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title)
    style = profession_style(str(profession_code or "").strip().lower())
    bounds = Bounds()
    geometry = compact_geometry(zones, bounds)
    if geometry is not None:
        DataLayer("outlineLayer", {"geometry": geometry, "style": _zone_style(style.hex)},
                  control=False).add_to(m)
    markers = []
    for i, site in enumerate(sites):
        if not valid_lonlat(site.lon, site.lat):
            continue
        bounds.extend(float(site.lon), float(site.lat))
        markers.append({"i": i, "n": str(site.label or ""), "la": round(float(site.lat), 6),
                        "lo": round(float(site.lon), 6)})
    if markers:
        DataLayer("professionLayer",
                  {"code": profession_code, "label": profession_label or style.label,
                   "color": style.hex, "colorClass": style.color_class,
                   "icon": check_icon(style.icon), "markers": markers},
                  control=False).add_to(m)
    return finish(m, bounds, layer_control=False)
