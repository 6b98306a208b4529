"""The CPTS around a candidate territory, for the checker's map: every CPTS whose territory
meets the candidate's bounding box grown by a margin, with a light outline (simplified for
display only: measures never use it)."""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

#: The margin around the candidate's box: this share of its larger side, at least MIN degrees.
MARGIN_SHARE = 0.25
MARGIN_MIN_DEGREES = 0.02
#: More neighbours than this on one map is a région, not a neighbourhood.
MAX_NEIGHBOURS = 150
#: Display tolerance, in degrees (about 20 m).
SIMPLIFY_DEGREES = 0.0002

_NEIGHBOURS = text("""
    WITH box AS (
        SELECT ST_Expand(e, greatest(:m_min, :m_share * greatest(ST_XMax(e) - ST_XMin(e),
                                                                 ST_YMax(e) - ST_YMin(e)))) AS b
        FROM (SELECT ST_Envelope(ST_SetSRID(ST_GeomFromGeoJSON(:shape), 4326)) AS e) s
    )
    SELECT c.id, c.name, c.slug, c.status, c.population,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(c.geom, :tol), 5) AS geometry
    FROM cpts c, box
    WHERE c.geom IS NOT NULL AND c.geom && box.b AND ST_Intersects(c.geom, box.b)
    ORDER BY c.population DESC NULLS LAST, c.id
    LIMIT :n
""")


def neighbours(session: Session, shape: dict | None) -> list[dict]:
    """[{id, name, slug, status, population, geometry}] of the CPTS near ``shape`` (GeoJSON)."""
    if not shape:
        return []
    rows = session.execute(_NEIGHBOURS, {
        "shape": json.dumps(shape), "m_min": MARGIN_MIN_DEGREES, "m_share": MARGIN_SHARE,
        "tol": SIMPLIFY_DEGREES, "n": MAX_NEIGHBOURS}).all()
    return [{"id": r.id, "name": r.name, "slug": r.slug, "status": r.status,
             "population": r.population, "geometry": json.loads(r.geometry)}
            for r in rows if r.geometry]
