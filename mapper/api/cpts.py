"""CPTS: list, read, create, edit, ARS decisions. GeoJSON out (RFC 7946)."""
from __future__ import annotations

import json

from flask import Response
from flask_smorest import Blueprint

from ..config import get_settings
from ..db import get_session
from ..http.principal import current_principal, require_role
from ..schemas.territories import (CptsCreateSchema, CptsPatchSchema, CptsQuerySchema,
                                   DecisionSchema)
from ..services import territories as service
from .schemas import GEOJSON, SECURITY

blp = Blueprint("cpts", __name__, url_prefix="/api/v1/cpts",
                description="CPTS et leurs territoires ; décisions de l'ARS")

def geojson(obj, status: int = 200) -> Response:
    return Response(json.dumps(obj, ensure_ascii=False), status=status, mimetype=GEOJSON)


@blp.route("")
@blp.arguments(CptsQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "FeatureCollection GeoJSON des CPTS"}})
def list_cpts(args):
    """Les CPTS (filtres region, departement, status)."""
    return Response(service.cpts_geojson(get_session(), region=args.get("region"),
                                         departement=args.get("departement"),
                                         status=args.get("status")), mimetype=GEOJSON)


@blp.route("", methods=["POST"])
@require_role("admin", "ars", "coordinator")
@blp.arguments(CptsCreateSchema)
@blp.doc(security=SECURITY, responses={
    "201": {"description": "La CPTS (Feature GeoJSON) avec ses chevauchements"},
    "409": {"description": "Nom déjà pris, ou chevauchement d'une CPTS validée (rapport joint)"}})
def create(body):
    """Créer une CPTS (intention ou projet) sur des communes ou un polygone dessiné."""
    session, settings = get_session(), get_settings()
    cpts = service.create_cpts(session, current_principal(), settings=settings, **body)
    feature = service.cpts_feature(session, cpts, settings)
    session.commit()
    return geojson(feature, 201)


@blp.route("/<id_or_slug>")
@blp.doc(responses={"200": {"description": "La CPTS (Feature GeoJSON) et ses chevauchements"}})
def get(id_or_slug: str):
    """Une CPTS par identifiant ou slug, avec ses chevauchements actuels."""
    session = get_session()
    return geojson(service.cpts_feature(session, service.get_cpts(session, id_or_slug),
                                        get_settings()))


@blp.route("/<int:cpts_id>", methods=["PATCH"])
@require_role("admin", "ars", "coordinator")
@blp.arguments(CptsPatchSchema)
@blp.doc(security=SECURITY)
def patch(body, cpts_id: int):
    """Modifier une CPTS (champs, territoire) : mêmes règles qu'à la création."""
    session, settings = get_session(), get_settings()
    cpts = service.update_cpts(session, current_principal(),
                               service.get_cpts(session, cpts_id), body, settings=settings)
    feature = service.cpts_feature(session, cpts, settings)
    session.commit()
    return geojson(feature)


@blp.route("/<int:cpts_id>/decision", methods=["POST"])
@require_role("admin", "ars")
@blp.arguments(DecisionSchema)
@blp.doc(security=SECURITY, responses={
    "409": {"description": "Chevaucherait une CPTS validée (rapport joint)"}})
def decision(body, cpts_id: int):
    """Décision de l'ARS : valide ou rejete, avec son motif (journalisé)."""
    session, settings = get_session(), get_settings()
    cpts = service.decide(session, current_principal(), service.get_cpts(session, cpts_id),
                          body["decision"], body["reason"], settings=settings)
    session.commit()
    return geojson(service.cpts_feature(session, cpts, settings))
