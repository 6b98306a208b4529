"""Orientation map of a CPTS: professionals by profession, clustered, with the CPTS boundary.

One JSON array per profession; the browser creates the markers (``L.divIcon`` + Font-Awesome
glyph, icons shared per profession) and adds them to a single marker-cluster group in bulk, so
5 000 professionals build in milliseconds server-side and 50 000 stay interactive. Each
profession is one toggleable layer in the layer control. Popups are built on click, once per
opened marker, from the marker's data.

Compact marker keys (documented in static/maps/cpts-maps.js): i id, n name, l profession label
(when it differs from the layer's), la/lo lat/lon, c competencies, a address, p phone,
np accepts new patients (true/false, absent if unknown), s next slot, st stale, z zone URL.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import GeoJSON, ProfessionalMarker, TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.geometry import Bounds, compact_geometry, valid_lonlat
from mapper.maps.style import (
    DEFAULT_PROFESSION_STYLE,
    PROFESSION_STYLES,
    check_icon,
    profession_style,
)
from mapper.maps.texts import TEXTS
from mapper.vocab import profession_order

#: A searched place: (lat, lon, label), as the search located it.
Searched = tuple[float, float, str]

BOUNDARY_STYLE = {
    "color": "#26343f",
    "weight": 3,
    "dashArray": "6 4",
    "fill": True,
    "fillColor": "#26343f",
    "fillOpacity": 0.04,
    "interactive": False,
}


def _code(marker: ProfessionalMarker) -> str:
    return str(marker.profession_code or "").strip().lower()


def _marker_data(p: ProfessionalMarker, layer_label: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "i": p.id,
        "n": p.display_name or "Professionnel",
        "la": round(float(p.lat), 6),
        "lo": round(float(p.lon), 6),
    }
    if p.profession_label and p.profession_label != layer_label:
        data["l"] = str(p.profession_label)
    if p.competencies:
        data["c"] = [str(c) for c in p.competencies if c]
    if p.address:
        data["a"] = str(p.address)
    if p.phone:
        data["p"] = str(p.phone)
    if p.accepts_new_patients is not None:
        data["np"] = bool(p.accepts_new_patients)
    if p.next_slot:
        data["s"] = str(p.next_slot)
    if p.stale:
        data["st"] = 1
    if p.zone_url:
        data["z"] = str(p.zone_url)
    return data


def _layer_label(code: str, group: list[ProfessionalMarker]) -> str:
    if code in PROFESSION_STYLES:
        return PROFESSION_STYLES[code].label
    for p in group:
        if p.profession_label:
            return str(p.profession_label)
    return code or DEFAULT_PROFESSION_STYLE.label


def _group_by_profession(
    markers: Iterable[ProfessionalMarker], bounds: Bounds
) -> dict[str, list[ProfessionalMarker]]:
    groups: dict[str, list[ProfessionalMarker]] = {}
    for p in markers:
        if not valid_lonlat(p.lon, p.lat):
            continue
        bounds.extend(float(p.lon), float(p.lat))
        groups.setdefault(_code(p), []).append(p)
    return {code: groups[code] for code in sorted(groups, key=profession_order)}


def _add_boundary(m: folium.Map, boundary: GeoJSON | None, bounds: Bounds) -> int:
    """The CPTS's outline as a layer; how many layers it added to the control (0 or 1)."""
    geometry = compact_geometry(boundary, bounds)
    if geometry is None:
        return 0
    DataLayer(
        "outlineLayer",
        {"geometry": geometry, "style": BOUNDARY_STYLE},
        label_html=control_label("Territoire de la CPTS"),
    ).add_to(m)
    return 1


def _add_profession_layers(m: folium.Map, cluster: DataLayer,
                           groups: dict[str, list[ProfessionalMarker]]) -> int:
    """One clustered layer per profession; how many layers it added to the control."""
    used_labels: set[str] = set()
    for code, group in groups.items():
        style = profession_style(code)
        label = _layer_label(code, group)
        entry = f"{label} ({len(group)})"
        if entry in used_labels:  # the layer control is keyed by label
            entry = f"{label} [{code}] ({len(group)})"
        used_labels.add(entry)
        DataLayer(
            "professionLayer",
            {
                "code": code,
                "label": label,
                "color": style.hex,
                "colorClass": style.color_class,
                "icon": check_icon(style.icon),
                "markers": [_marker_data(p, label) for p in group],
            },
            label_html=control_label(
                entry,
                icon_class=style.icon_class,
                color_class=style.color_class,
            ),
            target=cluster,
        ).add_to(m)
    return len(groups)


def _add_searched(m: folium.Map, searched: Searched | None, bounds: Bounds) -> None:
    """The searched address: its own marker above every other, never clustered, in the
    bounds the map opens on. The label is user text: it travels as escaped JSON."""
    if searched is None:
        return
    lat, lon, label = searched
    if not valid_lonlat(lon, lat):
        return
    lat, lon = round(float(lat), 6), round(float(lon), 6)
    bounds.extend(lon, lat)
    DataLayer("searchedPlace", {"la": lat, "lo": lon, "label": str(label or ""),
                                "name": TEXTS["searched"]}, control=False).add_to(m)


def build_orientation_map(
    markers: Iterable[ProfessionalMarker],
    boundary: GeoJSON | None = None,
    tiles: TileConfig | None = None,
    asset_prefix: str = "/assets",
    *,
    static_prefix: str = "/static/maps",
    zones: Mapping[Any, GeoJSON] | None = None,
    zone_url_template: str | None = None,
    title: str = "Carte des professionnels de santé",
    searched: Searched | None = None,
) -> folium.Map:
    """Professionals as clustered markers, one layer per profession, and the CPTS boundary.

    Intervention zones are shown on demand from the popup: embedded (``zones``: professional
    id -> GeoJSON), else fetched from the marker's ``zone_url``, else from
    ``zone_url_template`` with ``{id}`` replaced (same-origin URLs). Markers without valid
    coordinates are skipped. ``searched`` = (lat, lon, label) marks the searched address.
    The map fits the markers, the boundary and the searched address.
    """
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title)
    bounds = Bounds()
    controlled = _add_boundary(m, boundary, bounds)
    groups = _group_by_profession(markers, bounds)
    embedded = {}
    for key, zone in (zones or {}).items():
        geometry = compact_geometry(zone, Bounds())
        if geometry is not None:
            embedded[str(key)] = geometry
    cluster = DataLayer(
        "professionCluster",
        {"zoneUrlTemplate": zone_url_template, "zones": embedded},
        control=False,
    ).add_to(m)
    controlled += _add_profession_layers(m, cluster, groups)
    _add_searched(m, searched, bounds)
    if not groups:
        DataControl(
            "legend", {"notes": ["Aucun professionnel à afficher sur cette carte."]}
        ).add_to(m)
    return finish(m, bounds, layer_control=controlled > 0)
