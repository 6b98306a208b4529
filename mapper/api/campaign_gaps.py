"""GET /api/v1/campaigns/<id>/gaps: where a campaign is missing (communes of the CPTS's
territory farther than a distance from every permanence of the campaign)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..db import get_session
from ..http.principal import current_principal
from ..services.directory.campaign_gaps import (DEFAULT_DISTANCE_KM, MAX_DISTANCE_KM,
                                                MIN_DISTANCE_KM, campaign_gaps, check_distance,
                                                get_campaign, require_view_gaps)
from .schemas import Open

blp = Blueprint("campaign_gaps", __name__, url_prefix="/api/v1/campaigns",
                description="Campagnes : zones du territoire sans permanence proche")


class GapsQuerySchema(Schema):
    distance_km = fields.String(metadata={
        "description": f"Distance en km (de {MIN_DISTANCE_KM:g} à {MAX_DISTANCE_KM:g}, "
                       f"{DEFAULT_DISTANCE_KM:g} par défaut)", "example": "5"})


class GapCommuneSchema(Open):
    code = fields.String(metadata={"description": "Code INSEE"})
    name = fields.String()
    population = fields.Integer(allow_none=True)
    estimated = fields.Boolean(metadata={
        "description": "Population au prorata de la surface (territoire tracé)"})
    lat = fields.Float(metadata={"description": "Point de population (ST_PointOnSurface)"})
    lon = fields.Float()
    nearest_km = fields.Float(allow_none=True, metadata={
        "description": "Distance à la permanence la plus proche (ellipsoïde)"})


class GapsSchema(Open):
    campaign_id = fields.Integer()
    cpts_id = fields.Integer()
    distance_km = fields.Float()
    population_point = fields.String(metadata={
        "description": "Où la population d'une commune est placée : ST_PointOnSurface "
                       "(un point à l'intérieur de la commune)"})
    communes_total = fields.Integer()
    communes_uncovered = fields.Integer()
    population_total = fields.Integer()
    population_uncovered = fields.Integer()
    share_uncovered = fields.Float(allow_none=True)
    permanence_locations = fields.Integer()
    unlocated_permanences = fields.Integer()
    communes = fields.List(fields.Nested(GapCommuneSchema))


@blp.route("/<int:campaign_id>/gaps")
@blp.arguments(GapsQuerySchema, location="query")
@blp.response(200, GapsSchema)
@blp.doc(responses={"422": "UNPROCESSABLE_ENTITY"})
def gaps(args, campaign_id: int):
    """Communes du territoire dont la population est à plus de ``distance_km`` de toute
    permanence de la campagne, les plus peuplées d'abord, avec la population non couverte et
    sa part. Campagne publique : accessible à tous ; sinon coordination de la CPTS, ARS de
    sa région, administrateurs."""
    session = get_session()
    distance = check_distance(args.get("distance_km"))
    campaign = get_campaign(session, campaign_id)
    require_view_gaps(session, current_principal(), campaign)
    return campaign_gaps(session, campaign, distance).as_dict()
