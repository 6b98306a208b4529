"""The commune reference layer as GeoJSON."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..db import get_session
from ..schemas.communes import CommuneQuerySchema
from ..services.communes import commune_feature, communes_geojson
from .schemas import GEOJSON, GeoJSONFeatureSchema, answers, geojson_text

blp = Blueprint("communes", __name__, url_prefix="/api/v1/communes",
                description="Communes et arrondissements municipaux (codes COG)")


@blp.route("")
@blp.arguments(CommuneQuerySchema, location="query")
@blp.doc(responses=answers(200, "FeatureCollection", "FeatureCollection GeoJSON (RFC 7946)",
                           GEOJSON))
def list_communes(args):
    """Communes d'un département, d'une région, ou dont le nom commence par ``q``.

    L'un des trois est requis (422 sur ``departement`` sinon)."""
    body = communes_geojson(get_session(), departement=args.get("departement"),
                            region=args.get("region"), q=args.get("q"),
                            with_geometry=args["geometry"],
                            limit=args.get("limit") or (20 if args.get("q") else None))
    return geojson_text(body)


@blp.route("/<code>", parameters=[{
    "in": "path", "name": "code", "description": "Code INSEE (COG) de la commune",
    "schema": {"type": "string"}, "example": "75114"}])
@blp.response(200, GeoJSONFeatureSchema, content_type=GEOJSON)
def get_commune(code: str):
    """Une commune (Feature GeoJSON) ; 404 si le code est inconnu."""
    return geojson_text(commune_feature(get_session(), code))
