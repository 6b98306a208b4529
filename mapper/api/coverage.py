"""GET /api/v1/coverage: population covered by no CPTS, communes claimed by several."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from ..db import get_session
from ..schemas.territories import CoverageQuerySchema
from ..services.territories import coverage_geojson_text, coverage_json
from .schemas import geojson_text, json_or_geojson

blp = Blueprint("coverage", __name__, url_prefix="/api/v1/coverage",
                description="Couverture des CPTS et zones blanches")


@blp.route("")
@blp.arguments(CoverageQuerySchema, location="query")
@blp.doc(responses=json_or_geojson("Résumé, ou communes en GeoJSON (format=geojson)",
                                   "Coverage"))
def get(args):
    """Couverture d'un département ou d'une région (status=valide pour les seules validées)."""
    kwargs = {k: args.get(k) for k in ("departement", "region", "status")}
    if args["format"] == "geojson":
        return geojson_text(coverage_geojson_text(get_session(), **kwargs))
    return Response(coverage_json(get_session(), **kwargs), mimetype="application/json")
