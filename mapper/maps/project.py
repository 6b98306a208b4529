"""The map of one CPTS under ARS review: the CPTS with a thick outline, its neighbours by status
(name, status and population in their tooltip: the claimants are among them), and each overlap
in red in its own pane above every territory, its tooltip naming both CPTS."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import OverlapFeature, TerritoryFeature, TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.formatting import fr_int
from mapper.maps.geometry import Bounds, compact_geometry, feature
from mapper.maps.style import OVERLAP_STYLE, AreaStyle, status_style
from mapper.maps.territory import OVERLAP_PANE, OVERLAP_PANE_ZINDEX

#: The CPTS under review: a dark, thick outline over a light fill.
SUBJECT_STYLE = AreaStyle("", "#1b1b3a", "#7b6fd6", 0.15, 4)


def _territory(t: TerritoryFeature, bounds: Bounds) -> dict | None:
    geometry = compact_geometry(t.geometry, bounds)
    if geometry is None:
        return None
    return feature(geometry, {"id": t.id, "name": t.name, "slug": t.slug,
                              "status": status_style(t.status).label,
                              "population": t.population})


def _layer(m: folium.Map, kind: str, style: dict, features: list[dict], label: str,
           pane: dict | None = None) -> None:
    data = {"kind": kind, "style": style,
            "features": {"type": "FeatureCollection", "features": features}}
    if pane:
        data["pane"] = pane
    DataLayer("areaLayer", data, label_html=control_label(label)).add_to(m)


def build_project_map(
    subject: TerritoryFeature,
    neighbours: Iterable[TerritoryFeature],
    overlaps: Iterable[OverlapFeature],
    tiles: TileConfig | None = None,
    *,
    labels: Mapping[str, str],
    title: str,
    texts: Mapping[str, str] | None = None,
    asset_prefix: str = "/assets",
    static_prefix: str = "/static/maps",
) -> folium.Map:
    """The project's territory over its neighbours and the overlaps; the map opens on the
    project and its overlaps (a neighbour may stretch far away). ``labels``: the words of the
    legend in the page's language (``subject``, ``neighbours``, ``overlaps``, ``title``)."""
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title,
                texts=texts)
    bounds = Bounds()  # the map opens on the project and its overlaps
    around = Bounds()  # its neighbours are drawn, and only framed when it has no outline
    others = [f for f in (_territory(n, around) for n in neighbours) if f]
    own = _territory(subject, bounds)
    red = []
    for o in overlaps:
        geometry = compact_geometry(o.geometry, bounds)
        if geometry is not None:
            red.append(feature(geometry, {"a": o.cpts_a_name, "b": o.cpts_b_name,
                                          "population": o.population_affected,
                                          "areaKm2": o.area_km2,
                                          "estimated": bool(o.population_estimated)}))
    neighbour_style = {**status_style("projet").path_options(), "fillOpacity": 0.12,
                       "weight": 1.5}
    if others:
        _layer(m, "territory", neighbour_style, others,
               f"{labels['neighbours']} ({len(others)})")
    if own:
        _layer(m, "territory", SUBJECT_STYLE.path_options(), [own], labels["subject"])
    if red:
        _layer(m, "overlap", OVERLAP_STYLE.path_options(), red,
               f"{labels['overlaps']} ({len(red)})",
               pane={"name": OVERLAP_PANE, "zIndex": OVERLAP_PANE_ZINDEX})
    items = [{"color": SUBJECT_STYLE.fill_color, "stroke": SUBJECT_STYLE.color,
              "label": labels["subject"], "detail": ""},
             {"color": neighbour_style["fillColor"], "stroke": neighbour_style["color"],
              "label": labels["neighbours"], "detail": fr_int(len(others))},
             {"color": OVERLAP_STYLE.fill_color, "stroke": OVERLAP_STYLE.color,
              "label": labels["overlaps"], "detail": fr_int(len(red))}]
    DataControl("legend", {"title": labels["title"], "items": items, "notes": []}).add_to(m)
    return finish(m, around if bounds.empty else bounds, layer_control=True)
