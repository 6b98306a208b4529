"""Coverage map: "zones blanches" (communes in no CPTS) and communes claimed by several.

Three layers: uncovered communes, communes claimed by several CPTS, and (underneath, in their
own pane) communes covered by exactly one, for context. A legend gives the totals computed by
the coverage service. Rendered on canvas: a région is thousands of polygons.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium

from mapper.maps.basemap import finish, new_map
from mapper.maps.data import CoverageCommune, CoverageTotals, TileConfig
from mapper.maps.elements import DataControl, DataLayer, control_label
from mapper.maps.formatting import fr_int, fr_percent, plural
from mapper.maps.geometry import Bounds, compact_geometry, feature
from mapper.maps.style import COVERAGE_STYLES

BELOW_PANE = {"name": "cptsCoveredOnce", "zIndex": 390}  # under Leaflet's overlayPane (400)


def _kind(commune: CoverageCommune) -> str:
    n = len(commune.covered_by or ())
    return "uncovered" if n == 0 else "single" if n == 1 else "multiple"


def _features(
    communes: Iterable[CoverageCommune],
    cpts_names: Mapping[int, str] | None,
    bounds: Bounds,
) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"uncovered": [], "multiple": [], "single": []}
    for c in communes:
        geometry = compact_geometry(c.geometry, bounds)
        if geometry is None:
            continue
        ids = list(c.covered_by or ())
        properties = {"code": c.code, "nom": c.nom, "population": c.population, "n": len(ids)}
        if cpts_names:
            properties["cpts"] = [str(cpts_names.get(i, f"CPTS n° {i}")) for i in ids]
        out[_kind(c)].append(feature(geometry, properties))
    return out


def _legend(totals: CoverageTotals) -> dict:
    def detail(communes: int, population: int | None) -> str:
        text = plural(communes, "commune")
        if population is not None:
            text += f" · {fr_int(population)} hab."
        return text

    single_communes = max(
        totals.communes_total - totals.communes_uncovered - totals.communes_multiple, 0
    )
    items = [
        {"kind": "uncovered",
         "detail": detail(totals.communes_uncovered, totals.population_uncovered)},
        {"kind": "multiple",
         "detail": detail(totals.communes_multiple, totals.population_multiple)},
        {"kind": "single", "detail": plural(single_communes, "commune")},
    ]
    for item in items:
        style = COVERAGE_STYLES[item.pop("kind")]
        item.update(color=style.fill_color, stroke=style.color, label=style.label)

    notes = [f"Total : {detail(totals.communes_total, totals.population_total)}"]
    share = fr_percent(totals.population_uncovered, totals.population_total)
    if share:
        notes.append(f"Population hors CPTS : {share}")
    return {"title": "Couverture par les CPTS", "items": items, "notes": notes}


def build_coverage_map(
    communes: Iterable[CoverageCommune],
    totals: CoverageTotals,
    tiles: TileConfig | None = None,
    asset_prefix: str = "/assets",
    *,
    static_prefix: str = "/static/maps",
    cpts_names: Mapping[int, str] | None = None,
    title: str = "Couverture du territoire par les CPTS",
    texts: Mapping[str, str] | None = None,
) -> folium.Map:
    """Uncovered and multiply-claimed communes with a legend of ``totals``.

    ``cpts_names`` (CPTS id -> name) lets tooltips name the CPTS claiming a commune.
    """
    m = new_map(
        tiles,
        asset_prefix=asset_prefix,
        static_prefix=static_prefix,
        title=title,
        prefer_canvas=True,
        texts=texts,
    )
    bounds = Bounds()
    controlled = 0
    for kind, features in _features(communes, cpts_names, bounds).items():
        if not features:
            continue
        style = COVERAGE_STYLES[kind]
        data = {
            "kind": "coverage",
            "style": style.path_options(),
            "features": {"type": "FeatureCollection", "features": features},
        }
        if kind == "single":
            data["pane"] = BELOW_PANE
        DataLayer(
            "areaLayer",
            data,
            label_html=control_label(f"{style.label} ({len(features)})"),
        ).add_to(m)
        controlled += 1

    DataControl("legend", _legend(totals)).add_to(m)
    return finish(m, bounds, layer_control=controlled > 0)
