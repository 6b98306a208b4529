"""CPTS: list, read, create, edit, ARS decisions. GeoJSON out (RFC 7946)."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..config import get_settings
from ..db import get_session
from ..http.notices import notify_overlaps
from ..http.principal import current_principal, require_role
from ..schemas.territories import (CptsCreateSchema, CptsPatchSchema, CptsQuerySchema,
                                   DecisionSchema)
from ..services import territories as service
from .schemas import (GEOJSON, SECURITY, FeatureCollectionSchema, GeoJSONFeatureSchema,
                      geojson, geojson_text)

blp = Blueprint("cpts", __name__, url_prefix="/api/v1/cpts",
                description="CPTS et leurs territoires ; décisions de l'ARS")
ID_OR_SLUG = {"in": "path", "name": "id_or_slug", "description": "Identifiant ou slug de la CPTS",
              "schema": {"type": "string"}, "example": "cpts-paris-14-fictive"}




@blp.route("")
@blp.arguments(CptsQuerySchema, location="query")
@blp.response(200, FeatureCollectionSchema, content_type=GEOJSON,
              description="FeatureCollection GeoJSON des CPTS")
def list_cpts(args):
    """Les CPTS (filtres region, departement, status)."""
    return geojson_text(service.cpts_geojson(get_session(), region=args.get("region"),
                                             departement=args.get("departement"),
                                             status=args.get("status")))


@blp.route("", methods=["POST"])
@require_role("admin", "ars", "coordinator")
@blp.arguments(CptsCreateSchema)
@blp.response(201, GeoJSONFeatureSchema, content_type=GEOJSON,
              description="La CPTS (Feature GeoJSON) avec ses chevauchements")
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def create(body):
    """Créer une CPTS (intention ou projet) sur des communes ou un polygone dessiné.

    409 quand le nom est pris ou que le territoire chevauche une CPTS validée (rapport joint)."""
    session, settings = get_session(), get_settings()
    cpts = service.create_cpts(session, current_principal(), settings=settings, **body)
    feature = service.cpts_feature(session, cpts, settings)
    session.commit()
    notify_overlaps(session, current_principal(), cpts, "create")
    return geojson(feature, 201)


@blp.route("/<id_or_slug>", parameters=[ID_OR_SLUG])
@blp.response(200, GeoJSONFeatureSchema, content_type=GEOJSON,
              description="La CPTS (Feature GeoJSON) et ses chevauchements")
def get(id_or_slug: str):
    """Une CPTS par identifiant ou slug, avec ses chevauchements actuels."""
    session = get_session()
    return geojson(service.cpts_feature(session, service.get_cpts(session, id_or_slug),
                                        get_settings()))


@blp.route("/<id_or_slug>", methods=["PATCH"], parameters=[ID_OR_SLUG])
@require_role("admin", "ars", "coordinator")
@blp.arguments(CptsPatchSchema)
@blp.response(200, GeoJSONFeatureSchema, content_type=GEOJSON, description="La CPTS modifiée")
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def patch(body, id_or_slug: str):
    """Modifier une CPTS (champs, territoire) : mêmes règles qu'à la création."""
    session, settings = get_session(), get_settings()
    cpts = service.get_cpts(session, id_or_slug)
    was = cpts.status
    cpts = service.update_cpts(session, current_principal(), cpts, body, settings=settings)
    feature = service.cpts_feature(session, cpts, settings)
    session.commit()
    if "communes" in body or "geometry" in body:
        notify_overlaps(session, current_principal(), cpts, "update")
    elif was == "intention" and cpts.status == "projet":  # its projet de santé submitted
        notify_overlaps(session, current_principal(), cpts, "submit")
    return geojson(feature)


@blp.route("/<id_or_slug>/decision", methods=["POST"], parameters=[ID_OR_SLUG])
@require_role("admin", "ars")
@blp.arguments(DecisionSchema)
@blp.response(200, GeoJSONFeatureSchema, content_type=GEOJSON,
              description="La CPTS après la décision")
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def decision(body, id_or_slug: str):
    """Décision de l'ARS : valide ou rejete, avec son motif (journalisé).

    409 quand la CPTS chevaucherait une CPTS validée (rapport joint)."""
    session, settings = get_session(), get_settings()
    cpts = service.decide(session, current_principal(), service.get_cpts(session, id_or_slug),
                          body["decision"], body["reason"], settings=settings)
    session.commit()
    return geojson(service.cpts_feature(session, cpts, settings))
