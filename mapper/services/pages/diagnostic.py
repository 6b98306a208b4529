"""What the « Diagnostic » section and the printable report show: the diagnostic of a territory
(``services.territories.diagnostic``), the profession its map and bars are about, the
communes' outlines for the choropleth (simplified: a map, not a measure), and the professions
worth a row (present in the territory or in the directory)."""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..territories.diagnostic import territorial_diagnostic

#: The profession the map shows unless another is chosen: médecins.
DEFAULT_MAP_PROFESSION = "10"
#: ~50 m: enough for a commune map, light for a département.
SIMPLIFY_DEGREES = 0.0005


def _outlines(session: Session, codes: list[str]) -> dict[str, dict]:
    rows = session.execute(text(
        "SELECT code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :t), 5) FROM commune "
        "WHERE code = ANY(:c) AND geom IS NOT NULL"), {"c": codes, "t": SIMPLIFY_DEGREES})
    return {code: json.loads(raw) for code, raw in rows if raw}


def diagnostic_page(session: Session, args: dict, map_profession: str | None = None,
                    with_outlines: bool = True) -> dict:
    """The diagnostic for every profession plus ``shown`` (the rows worth showing),
    ``focus`` (the profession of the map and bars) and ``outlines`` (code → GeoJSON)."""
    result = territorial_diagnostic(session, args, None)
    professions = result["professions"]
    codes = {p["code"] for p in professions}
    focus_code = (map_profession if map_profession in codes
                  else DEFAULT_MAP_PROFESSION if DEFAULT_MAP_PROFESSION in codes
                  else professions[0]["code"] if professions else None)
    result["focus"] = next((p for p in professions if p["code"] == focus_code), None)
    result["shown"] = [p for p in professions if p["count"] or p["density_france"]]
    result["outlines"] = (_outlines(session, [c["code"] for c in result["communes"]])
                          if with_outlines else {})
    return result
