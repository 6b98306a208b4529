"""Territories of CPTS: the territory value object and its measures, overlaps, the CPTS life
cycle, ARS arbitrations, coverage (zones blanches).

Where things are: ``territory`` (parse, validate, measure a candidate), ``overlaps`` (one
territory against every CPTS) and ``pairs`` (every overlapping pair), ``check`` (the read-only
answers), ``storage`` (storing a territory; the no-overlap guarantee; cached measures),
``cpts`` (reading CPTS), ``naming``, ``lifecycle`` (create, edit, decide), ``arbitrations``,
``conciliation`` (the state of each overlap between projects), ``notices`` (who is told),
``coverage``, ``report`` (CSV/GeoJSON downloads).
"""
from .arbitrations import list_arbitrations, record_arbitration
from .conciliation import list_conciliations, set_in_conciliation
from .check import check_territory, conflicts_with_validated, territory_report
from .coverage import coverage, coverage_geojson, coverage_geojson_text, coverage_json
from .cpts import cpts_feature, cpts_geojson, current_overlaps, get_cpts
from .lifecycle import create_cpts, decide, update_cpts
from .overlaps import find_overlaps
from .pairs import overlap_pairs
from .storage import refresh_measures, store_territory
from .territory import Territory, build_territory

__all__ = [
    "Territory", "build_territory", "check_territory", "conflicts_with_validated", "coverage",
    "coverage_geojson", "coverage_geojson_text", "coverage_json", "cpts_feature",
    "cpts_geojson", "create_cpts", "current_overlaps", "decide", "find_overlaps", "get_cpts",
    "list_arbitrations", "list_conciliations", "set_in_conciliation", "overlap_pairs", "record_arbitration",
    "refresh_measures", "store_territory", "territory_report", "update_cpts",
]
