"""Territory map for ARS review: CPTS territories by status, overlaps on top.

One layer per status present (intention, projet, valide, rejete), coloured by status, with a
tooltip (name, status, population); overlaps in their own pane above every territory layer so
re-enabling a status never hides them, with the two CPTS and the shared population in their
tooltip. A legend lists the statuses and the number of overlaps.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import OverlapFeature, TerritoryFeature, TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.formatting import fr_int, plural
from mapper.maps.geometry import Bounds, compact_geometry, feature
from mapper.maps.style import (
    DEFAULT_STATUS_STYLE,
    OVERLAP_STYLE,
    STATUS_STYLES,
    status_style,
)

OVERLAP_PANE = "cptsOverlaps"
OVERLAP_PANE_ZINDEX = 450  # Leaflet's overlayPane is 400, markerPane 600


def _status_key(status: str | None) -> str:
    key = str(status or "").strip().lower()
    return key if key in STATUS_STYLES else "autre"


def _territory_features(
    territories: Iterable[TerritoryFeature], bounds: Bounds
) -> dict[str, list[dict]]:
    by_status: dict[str, list[dict]] = {key: [] for key in (*STATUS_STYLES, "autre")}
    for t in territories:
        geometry = compact_geometry(t.geometry, bounds)
        if geometry is None:
            continue
        key = _status_key(t.status)
        properties = {
            "id": t.id,
            "name": t.name,
            "slug": t.slug,
            "status": status_style(t.status).label,
            "population": t.population,
        }
        by_status[key].append(feature(geometry, properties))
    return by_status


def _overlap_features(overlaps: Iterable[OverlapFeature], bounds: Bounds) -> list[dict]:
    features = []
    for o in overlaps:
        geometry = compact_geometry(o.geometry, bounds)
        if geometry is None:
            continue
        properties = {
            "a": o.cpts_a_name,
            "b": o.cpts_b_name,
            "population": o.population_affected,
            "areaKm2": o.area_km2,
            "estimated": bool(o.population_estimated),
        }
        features.append(feature(geometry, properties))
    return features


def _add_status_layers(m: folium.Map, by_status: dict[str, list], legend_items: list) -> int:
    """One layer per status with territories (and its legend entry); how many layers."""
    controlled = 0
    for key, features in by_status.items():
        style = STATUS_STYLES.get(key, DEFAULT_STATUS_STYLE)
        if key != "autre" or features:
            legend_items.append(
                {"color": style.fill_color, "stroke": style.color, "label": style.label,
                 "detail": fr_int(len(features))}
            )
        if not features:
            continue
        DataLayer(
            "areaLayer",
            {
                "kind": "territory",
                "style": style.path_options(),
                "features": {"type": "FeatureCollection", "features": features},
            },
            label_html=control_label(f"{style.label} ({len(features)})"),
        ).add_to(m)
        controlled += 1
    return controlled


def build_territory_map(
    territories: Iterable[TerritoryFeature],
    overlaps: Iterable[OverlapFeature] = (),
    tiles: TileConfig | None = None,
    asset_prefix: str = "/assets",
    *,
    static_prefix: str = "/static/maps",
    title: str = "Territoires des CPTS",
    texts: Mapping[str, str] | None = None,
) -> folium.Map:
    """Territories coloured by status and their overlaps; fits all of them."""
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title,
                texts=texts)
    bounds = Bounds()
    by_status = _territory_features(territories, bounds)
    overlap_features = _overlap_features(overlaps, bounds)
    legend_items = []
    controlled = _add_status_layers(m, by_status, legend_items)
    if overlap_features:
        DataLayer(
            "areaLayer",
            {
                "kind": "overlap",
                "style": OVERLAP_STYLE.path_options(),
                "pane": {"name": OVERLAP_PANE, "zIndex": OVERLAP_PANE_ZINDEX},
                "features": {"type": "FeatureCollection", "features": overlap_features},
            },
            label_html=control_label(f"Chevauchements ({len(overlap_features)})"),
        ).add_to(m)
        controlled += 1
    legend_items.append(
        {"color": OVERLAP_STYLE.fill_color, "stroke": OVERLAP_STYLE.color,
         "label": "Chevauchements entre CPTS", "detail": fr_int(len(overlap_features))}
    )
    notes = []
    if overlap_features:
        notes.append("Survolez un chevauchement pour voir la population concernée.")
    if not any(by_status.values()):
        notes.append("Aucun territoire à afficher sur cette carte.")
    total = sum(len(f) for f in by_status.values())
    DataControl(
        "legend",
        {"title": f"Territoires des CPTS ({plural(total, 'territoire')})",
         "items": legend_items, "notes": notes},
    ).add_to(m)
    return finish(m, bounds, layer_control=controlled > 0)
