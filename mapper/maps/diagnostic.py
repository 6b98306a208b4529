"""Choropleth of the 2SFCA accessibility index by commune (the territorial diagnostic).

Classes are quantiles of the territory's communes (at most five, distinct bounds), coloured on
a sequential light-to-dark scale readable in grey and by colour-blind people (ColorBrewer
YlGnBu); communes without a population point are a sixth, hatched-grey class. One layer per
class (styles are per layer), a legend with each class's bounds and number of communes. The
page lists the same classes as a table (the map's text alternative): ``classify`` is shared.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.formatting import fr_decimal, fr_int, plural
from mapper.maps.geometry import Bounds, compact_geometry, feature

PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
STROKE = "#444444"
NO_VALUE = "#bdbdbd"


@dataclass(frozen=True, slots=True)
class IndexClass:
    low: float
    high: float
    color: str

    @property
    def label(self) -> str:
        return f"{fr_decimal(self.low, 2)} – {fr_decimal(self.high, 2)}"


@dataclass(frozen=True, slots=True)
class CommuneIndex:
    code: str
    nom: str
    population: int
    value: float | None
    geometry: dict | None


def index_classes(values: Iterable[float | None], k: int = 5) -> list[IndexClass]:
    """Quantile classes of the values (fewer when values repeat); [] without values."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return []
    cuts = sorted({data[min(len(data) - 1, round(i * (len(data) - 1) / k))]
                   for i in range(k + 1)})
    if len(cuts) == 1:
        return [IndexClass(cuts[0], cuts[0], PALETTE[-1])]
    pairs = list(zip(cuts, cuts[1:]))
    offset = len(PALETTE) - len(pairs)
    return [IndexClass(lo, hi, PALETTE[offset + i]) for i, (lo, hi) in enumerate(pairs)]


def classify(value: float | None, classes: list[IndexClass]) -> int | None:
    """The index of the value's class (upper bounds inclusive), None without a value."""
    if value is None or not classes:
        return None
    return next((i for i, c in enumerate(classes) if value <= c.high), len(classes) - 1)


def build_diagnostic_map(communes: Iterable[CommuneIndex], classes: list[IndexClass],
                         tiles: TileConfig | None = None, *, title: str, legend_title: str,
                         unit: str, no_value: str, asset_prefix: str = "/assets",
                         static_prefix: str = "/static/maps",
                         texts: Mapping[str, str] | None = None) -> folium.Map:
    """One layer per class of ``classes`` (``index_classes``), a legend, fitted to the data."""
    m = new_map(tiles, asset_prefix=asset_prefix, static_prefix=static_prefix, title=title,
                prefer_canvas=True, texts=texts)
    bounds = Bounds()
    groups: dict[int | None, list[dict]] = {}
    for c in communes:
        geometry = compact_geometry(c.geometry, bounds)
        if geometry is None:
            continue
        value = "" if c.value is None else f"{fr_decimal(c.value, 3)} {unit}"
        groups.setdefault(classify(c.value, classes), []).append(feature(geometry, {
            "code": c.code, "nom": c.nom, "population": c.population, "value": value}))
    items = []
    for i, cls in enumerate(classes):
        items.append(_layer(m, groups.get(i, []), cls.color, cls.label))
    if groups.get(None):
        items.append(_layer(m, groups[None], NO_VALUE, no_value))
    DataControl("legend", {"title": legend_title, "items": [i for i in items if i],
                           "notes": [unit]}).add_to(m)
    return finish(m, bounds, layer_control=False)


def _layer(m: folium.Map, features: list[dict], color: str, label: str) -> dict | None:
    if not features:
        return None
    style = {"color": STROKE, "fillColor": color, "fillOpacity": 0.8, "weight": 1}
    DataLayer("areaLayer", {"kind": "diagnostic", "style": style, "features": {
        "type": "FeatureCollection", "features": features}},
        label_html=control_label(label)).add_to(m)
    return {"color": color, "stroke": STROKE, "label": label,
            "detail": plural(len(features), "commune") + " · " + fr_int(
                sum(f["properties"]["population"] or 0 for f in features)) + " hab."}
