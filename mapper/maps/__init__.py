"""Folium map builders: plain data in, ``folium.Map`` out; ``render_html`` for the page.

No database, no Flask. Assets are self-hosted (see ``assets``); user strings travel as escaped
JSON and are rendered in the browser as text (see ``elements``).
"""
from mapper.maps.coverage import build_coverage_map
from mapper.maps.data import (
    Claimant,
    CoverageCommune,
    CoverageTotals,
    OverlapArea,
    OverlapFeature,
    ProfessionalMarker,
    TerritoryFeature,
    TileConfig,
)
from mapper.maps.orientation import build_orientation_map
from mapper.maps.render import MapParts, render_html, render_parts
from mapper.maps.territory import build_territory_map

__all__ = [
    "Claimant",
    "CoverageCommune",
    "CoverageTotals",
    "MapParts",
    "OverlapArea",
    "OverlapFeature",
    "ProfessionalMarker",
    "TerritoryFeature",
    "TileConfig",
    "build_coverage_map",
    "build_orientation_map",
    "build_territory_map",
    "render_html",
    "render_parts",
]
