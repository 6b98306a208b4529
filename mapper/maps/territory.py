"""Territories map for ARS review: each CPTS in its own colour with its name, its status as an
outline, the overlap areas on top.

One layer per status present (so a status can be hidden), each feature filled with the colour
the service chose for it (neighbours differ) and outlined by status (``territory_style``); its
name is a label at its ``label_point``, shown by the browser where it fits without colliding
(``static/maps/cpts-territories.js``); a click opens a popup with name, status, population and
the link to the CPTS page. Overlap areas (one per set of claimants) are in their own pane above
every territory, their popup lists every claimant. The legend (behind the "Légende" button)
shows the outlines by status and the overlap colour.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import Claimant, OverlapArea, OverlapFeature, TerritoryFeature, TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.formatting import N_, fr_int, plural
from mapper.maps.geometry import Bounds, feature, text_geometry
from mapper.maps.style import OVERLAP_STYLE
from mapper.maps.territory_style import REJECTED_FILL, fill_colour, outline, status_label
from mapper.vocab import CPTS_STATUSES

OVERLAP_PANE = "cptsOverlaps"
OVERLAP_PANE_ZINDEX = 450  # Leaflet's overlayPane is 400, markerPane 600
#: Where the popups link to; ``{slug}`` is replaced in the browser.
CPTS_URL_TEMPLATE = "/cpts/{slug}"


def _status_key(status: str | None) -> str:
    key = str(status or "").strip().lower()
    return key if key in CPTS_STATUSES else "autre"


def _territory_features(territories: Iterable[TerritoryFeature], bounds: Bounds,
                        ) -> dict[str, list[dict]]:
    by_status: dict[str, list[dict]] = {key: [] for key in (*CPTS_STATUSES, "autre")}
    for t in territories:
        geometry = text_geometry(t.geometry, bounds)
        if geometry is None:
            continue
        properties = {"i": t.id, "n": t.name, "s": t.slug, "st": status_label(t.status),
                      "p": t.population, "c": fill_colour(t.colour, t.status)}
        if t.label_point:
            properties["lb"] = [round(float(t.label_point[0]), 5),
                                round(float(t.label_point[1]), 5)]
        by_status[_status_key(t.status)].append(feature(geometry, properties))
    return by_status


def as_area(o: OverlapArea | OverlapFeature) -> OverlapArea:
    """A pairwise overlap as an area claimed by its two CPTS."""
    if isinstance(o, OverlapArea):
        return o
    return OverlapArea(o.geometry, (Claimant(o.cpts_a_name, ""), Claimant(o.cpts_b_name, "")),
                       o.population_affected, o.area_km2, o.population_estimated)


def _overlap_features(overlaps: Iterable[OverlapArea | OverlapFeature],
                      bounds: Bounds) -> list[dict]:
    features = []
    for o in map(as_area, overlaps):
        geometry = text_geometry(o.geometry, bounds)
        if geometry is None:
            continue
        properties = {
            "cl": [{"n": c.name, "s": c.slug, "st": status_label(c.status) if c.status else ""}
                   for c in o.claimants],
            "p": o.population_affected, "a": o.area_km2, "e": bool(o.population_estimated),
            "co": list(o.communes),
        }
        features.append(feature(geometry, properties))
    return features


def _add_status_layers(m: folium.Map, by_status: dict[str, list], url_template: str,
                       legend_items: list) -> int:
    """One layer per status with territories (and its legend entry); how many layers."""
    controlled = 0
    for key, features in by_status.items():
        style = outline(key)
        label = status_label(key) if key != "autre" else N_("Statut inconnu")
        if key != "autre" or features:
            grey = style.grey
            legend_items.append({"color": REJECTED_FILL if grey else "#ffffff",
                                 "stroke": "#6b6b6b" if grey else "#1f2933",
                                 "border": style.border,
                                 "label": label, "detail": fr_int(len(features))})
        if not features:
            continue
        DataLayer("territoryLayer",
                  {"style": style.path_options(), "url": url_template,
                   "features": {"type": "FeatureCollection", "features": features}},
                  label_html=control_label(f"{label} ({len(features)})")).add_to(m)
        controlled += 1
    return controlled


def build_territory_map(
    territories: Iterable[TerritoryFeature],
    overlaps: Iterable[OverlapArea | OverlapFeature] = (),
    tiles: TileConfig | None = None,
    asset_prefix: str = "/assets",
    *,
    static_prefix: str = "/static/maps",
    title: str = "Territoires des CPTS",
    texts: Mapping[str, str] | None = None,
    cpts_url_template: str = CPTS_URL_TEMPLATE,
) -> folium.Map:
    """Territories by colour and status outline, their overlap areas; fits all of them."""
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title,
                texts=texts)
    bounds = Bounds()
    by_status = _territory_features(territories, bounds)
    overlap_features = _overlap_features(overlaps, bounds)
    legend_items: list[dict] = []
    controlled = _add_status_layers(m, by_status, cpts_url_template, legend_items)
    if overlap_features:
        DataLayer(
            "overlapLayer",
            {"style": OVERLAP_STYLE.path_options(), "url": cpts_url_template,
             "pane": {"name": OVERLAP_PANE, "zIndex": OVERLAP_PANE_ZINDEX},
             "features": {"type": "FeatureCollection", "features": overlap_features}},
            label_html=control_label(f"Chevauchements ({len(overlap_features)})"),
        ).add_to(m)
        controlled += 1
    legend_items.append(
        {"color": OVERLAP_STYLE.fill_color, "stroke": OVERLAP_STYLE.color,
         "label": "Chevauchements entre CPTS", "detail": fr_int(len(overlap_features))})
    total = sum(len(f) for f in by_status.values())
    notes = []
    if total:
        notes.append("Une couleur par CPTS (deux voisines diffèrent) ; le contour dit le statut."
                     " Touchez un territoire pour ouvrir sa fiche.")
    else:
        notes.append("Aucun territoire à afficher sur cette carte.")
    DataControl("legend", {"title": f"Territoires des CPTS ({plural(total, 'territoire')})",
                           "items": legend_items, "notes": notes}).add_to(m)
    return finish(m, bounds, layer_control=controlled > 0)
