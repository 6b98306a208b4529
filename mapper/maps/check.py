"""The territory checker's map: the checked territory drawn on top with a permanent label, the
overlaps in red under its outline, and the neighbouring CPTS (outline and name) around it.

Panes, bottom to top: neighbours in Leaflet's overlay pane (400), overlaps (450), the
candidate (460). The candidate's fill is light and lets the mouse through, so the red overlaps
stay visible and keep their tooltips. The map fits the candidate (not its neighbours).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import GeoJSON, OverlapFeature, TerritoryFeature, TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.formatting import fr_int
from mapper.maps.geometry import Bounds, compact_geometry, feature
from mapper.maps.style import OVERLAP_STYLE, AreaStyle, status_style
from mapper.maps.territory import OVERLAP_PANE, OVERLAP_PANE_ZINDEX, _overlap_features

CANDIDATE_PANE = "cptsCandidate"
CANDIDATE_PANE_ZINDEX = 460
CANDIDATE_STYLE = AreaStyle("Territoire vérifié", "#1a1a6e", "#3f51b5", 0.12, 4)
NEIGHBOUR_STYLE = AreaStyle("CPTS voisines", "#4a4a4a", "#9e9e9e", 0.08, 1.5, "6 4")


def _neighbour_features(neighbours: Iterable[TerritoryFeature]) -> list[dict]:
    out, unused = [], Bounds()  # neighbours do not widen the view
    for t in neighbours:
        geometry = compact_geometry(t.geometry, unused)
        if geometry is not None:
            out.append(feature(geometry, {"id": t.id, "name": t.name, "slug": t.slug,
                                          "status": status_style(t.status).label,
                                          "population": t.population}))
    return out


def build_check_map(
    candidate: GeoJSON | None,
    neighbours: Iterable[TerritoryFeature] = (),
    overlaps: Iterable[OverlapFeature] = (),
    tiles: TileConfig | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    asset_prefix: str = "/assets",
    static_prefix: str = "/static/maps",
    title: str = "Territoire vérifié et chevauchements",
    texts: Mapping[str, str] | None = None,
) -> folium.Map:
    """``labels``: the words of the map (``candidate``, ``neighbours``, ``overlaps``,
    ``legend``), French by default; the page passes them translated."""
    words = {"candidate": "Territoire vérifié", "neighbours": "CPTS voisines",
             "overlaps": "Chevauchements", "legend": "Territoire vérifié",
             **(labels or {})}
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title,
                texts=texts)
    bounds = Bounds()
    shape = compact_geometry(candidate, bounds)
    near = _neighbour_features(neighbours)
    red = _overlap_features(overlaps, bounds)
    if near:
        DataLayer("areaLayer", {"kind": "territory", "label": True,
                                "style": NEIGHBOUR_STYLE.path_options(),
                                "features": {"type": "FeatureCollection", "features": near}},
                  label_html=control_label(f"{words['neighbours']} ({len(near)})")).add_to(m)
    if red:
        DataLayer("areaLayer", {"kind": "overlap", "style": OVERLAP_STYLE.path_options(),
                                "pane": {"name": OVERLAP_PANE, "zIndex": OVERLAP_PANE_ZINDEX},
                                "features": {"type": "FeatureCollection", "features": red}},
                  label_html=control_label(f"{words['overlaps']} ({len(red)})")).add_to(m)
    if shape is not None:
        DataLayer("areaLayer", {
            "kind": "territory", "label": True, "labelClass": "cpts-candidate-label",
            "interactive": False, "style": CANDIDATE_STYLE.path_options(),
            "pane": {"name": CANDIDATE_PANE, "zIndex": CANDIDATE_PANE_ZINDEX},
            "features": {"type": "FeatureCollection", "features": [
                feature(shape, {"name": words["candidate"]})]}},
            label_html=control_label(words["candidate"])).add_to(m)
    items = [
        {"color": CANDIDATE_STYLE.fill_color, "stroke": CANDIDATE_STYLE.color,
         "label": words["candidate"]},
        {"color": OVERLAP_STYLE.fill_color, "stroke": OVERLAP_STYLE.color,
         "label": words["overlaps"], "detail": fr_int(len(red))},
        {"color": NEIGHBOUR_STYLE.fill_color, "stroke": NEIGHBOUR_STYLE.color,
         "label": words["neighbours"], "detail": fr_int(len(near))},
    ]
    DataControl("legend", {"title": words["legend"], "items": items}).add_to(m)
    return finish(m, bounds, layer_control=True)
