"""Maps of a campaign's permanences: where they are (the public page, the widget), and where
the campaign is missing (the communes farther than a distance from every permanence, shaded by
population, for the coordinator).

Data goes as escaped JSON and the browser builds markers, popups and tooltips with
``textContent`` (``static/maps/cpts-maps.js``: placeLayer, gapLayer). Marker keys: n name, a address, la/lo lat/lon,
w when (lines « lundi 5 octobre, 9 h – 12 h »), m appointment label, p phone.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import GeoJSON, TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.formatting import N_, fr_int
from mapper.maps.geometry import Bounds, compact_geometry, feature, valid_lonlat

#: The words of these maps (French msgids; pages pass them through gettext).
TEXTS: dict[str, str] = {
    "permanences": N_("Permanences"),
    "call": N_("Appeler {phone}"),
    "population": N_("Population : {n} hab."),
    "nearest": N_("Permanence la plus proche : {km} km"),
    "none": N_("Aucune permanence localisée"),
    "gaps": N_("Communes sans permanence à moins de {km} km"),
    "estimated": N_("(estimation au prorata de la surface)"),
}

#: Population classes of the gap map: (lower bound as a share of the largest, fill colour).
GAP_CLASSES = ((0.0, "#fdd0a2"), (0.25, "#fdae6b"), (0.5, "#f16913"), (0.75, "#a63603"))
GAP_STROKE = "#7f2704"


@dataclass(frozen=True, slots=True)
class PlaceMarker:
    """A place with upcoming permanences: ``when`` lines already formatted by the page."""

    name: str
    address: str | None
    lat: float
    lon: float
    when: Sequence[str] = ()
    appointment: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class GapArea:
    code: str
    name: str
    population: int | None
    geometry: GeoJSON
    nearest_km: float | None = None
    estimated: bool = False


def _texts(texts: Mapping[str, str] | None) -> dict[str, str]:
    return {**TEXTS, **(texts or {})}


def _places_layer(m: folium.Map, places: Iterable[PlaceMarker], bounds: Bounds,
                  texts: dict[str, str]) -> int:
    rows = []
    for p in places:
        if not valid_lonlat(p.lon, p.lat):
            continue
        bounds.extend(p.lon, p.lat)
        row = {"n": p.name, "la": round(p.lat, 6), "lo": round(p.lon, 6), "w": list(p.when)}
        for key, value in (("a", p.address), ("m", p.appointment), ("p", p.phone)):
            if value:
                row[key] = value
        rows.append(row)
    if rows:
        DataLayer("placeLayer", {"places": rows, "texts": texts},
                  label_html=control_label(f"{texts['permanences']} ({len(rows)})")).add_to(m)
    return len(rows)


def build_permanence_map(places: Iterable[PlaceMarker], tiles: TileConfig | None = None,
                         asset_prefix: str = "/assets", *, static_prefix: str = "/static/maps",
                         title: str = "Permanences", texts: Mapping[str, str] | None = None,
                         empty_note: str | None = None) -> folium.Map:
    """The places of the permanences, one marker each (its popup lists the dates)."""
    words = _texts(texts)
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title)
    bounds = Bounds()
    if not _places_layer(m, places, bounds, words) and empty_note:
        DataControl("legend", {"notice": True, "notes": [empty_note]}).add_to(m)
    return finish(m, bounds, layer_control=False)


def gap_class(population: int | None, largest: int) -> int:
    share = (population or 0) / largest if largest else 0.0
    return max(i for i, (lower, _) in enumerate(GAP_CLASSES) if share >= lower)


def build_gap_map(gaps: Iterable[GapArea], places: Iterable[PlaceMarker], distance_km: float,
                  tiles: TileConfig | None = None, asset_prefix: str = "/assets", *,
                  static_prefix: str = "/static/maps", title: str = "Zones sans permanence",
                  boundary: GeoJSON | None = None,
                  texts: Mapping[str, str] | None = None) -> folium.Map:
    """The gap communes shaded by population (four classes of the largest), the permanences
    on top, the territory's outline beneath."""
    words = _texts(texts)
    km = f"{distance_km:g}".replace(".", ",")
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title)
    bounds = Bounds()
    outline = compact_geometry(boundary, bounds)
    if outline is not None:
        DataLayer("outlineLayer", {"geometry": outline, "style": {
            "color": "#26343f", "weight": 2, "dashArray": "6 4", "fill": False,
            "interactive": False}}, control=False).add_to(m)
    gaps = list(gaps)
    largest = max((g.population or 0 for g in gaps), default=0)
    features = []
    for g in gaps:
        geometry = compact_geometry(g.geometry, bounds)
        if geometry is not None:
            features.append(feature(geometry, {
                "nom": g.name, "code": g.code, "population": g.population,
                "nearest": None if g.nearest_km is None else round(g.nearest_km, 1),
                "estimated": g.estimated, "cls": gap_class(g.population, largest)}))
    if features:
        DataLayer("gapLayer", {
            "features": {"type": "FeatureCollection", "features": features},
            "styles": [{"color": GAP_STROKE, "weight": 1, "fillColor": fill,
                        "fillOpacity": 0.7} for _, fill in GAP_CLASSES],
            "texts": words},
            label_html=control_label(words["gaps"].replace("{km}", km))).add_to(m)
    _places_layer(m, places, bounds, words)
    items = [{"color": fill, "stroke": GAP_STROKE,
              "label": f"≥ {fr_int(lower * largest)} hab." if lower else f"< {fr_int(0.25 * largest)} hab."}
             for lower, fill in GAP_CLASSES] if largest else []
    DataControl("legend", {"title": words["gaps"].replace("{km}", km), "items": items,
                           "notes": []}).add_to(m)
    return finish(m, bounds, layer_control=bool(features))
