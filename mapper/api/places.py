"""Places (lieux) and closures: /api/v1/places, /api/v1/places/<id>/closures,
/api/v1/professionals/<id>/closures, /api/v1/closures/<id>.

Places are public (name, kind, address, phone, accessibility: what a patient needs); writes are
for an admin or the coordinator of the place's CPTS. Closures are read and written by those who
keep their owner (see ``services.directory.closures``). Every write is audited in the service.
"""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields

from ..config import get_settings
from ..db import get_session
from ..http.principal import current_principal, require_role
from ..schemas.places import (ClosureInSchema, PlaceCreateSchema, PlaceInSchema,
                              PlaceListArgsSchema)
from ..services.directory import closures, places
from ..services.directory.access import can_manage_place
from ..services.geocoding import client_for
from .schemas import SECURITY, Open

blp = Blueprint("places", __name__, url_prefix="/api/v1",
                description="Lieux (MSP, centres de santé, pharmacies, mairies…) et fermetures")
#: Seen only by those who keep the place.
PRIVATE = ("external_ref", "geocode_status")


class CptsRefSchema(Open):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()


class PlaceSchema(Open):
    id = fields.Integer(required=True)
    name = fields.String()
    kind = fields.String()
    finess = fields.String(allow_none=True)
    address = fields.String()
    postcode = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    commune_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    accessible = fields.Boolean(allow_none=True)
    notes = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    precision = fields.String(allow_none=True)
    cpts = fields.Nested(CptsRefSchema, allow_none=True)
    updated_at = fields.String(allow_none=True)
    external_ref = fields.String(allow_none=True, metadata={"description": "Gestionnaires"})
    geocode_status = fields.String(allow_none=True, metadata={"description": "Gestionnaires"})


class PlaceListSchema(Open):
    places = fields.List(fields.Nested(PlaceSchema))
    count = fields.Integer()


class ClosureSchema(Open):
    id = fields.Integer(required=True)
    professional_id = fields.Integer(allow_none=True)
    place_id = fields.Integer(allow_none=True)
    starts_on = fields.String(metadata={"description": "AAAA-MM-JJ, inclus"})
    ends_on = fields.String(metadata={"description": "AAAA-MM-JJ, inclus"})
    reason = fields.String(allow_none=True)


class ClosureListSchema(Open):
    closures = fields.List(fields.Nested(ClosureSchema))


def _shown(place: dict) -> dict:
    if can_manage_place(current_principal(), (place.get("cpts") or {}).get("id")):
        return place
    return {k: v for k, v in place.items() if k not in PRIVATE}


@blp.route("/places")
@blp.arguments(PlaceListArgsSchema, location="query")
@blp.response(200, PlaceListSchema)
def list_places(args):
    """Les lieux (filtres : cpts = id ou slug, kind), par nom."""
    found = [_shown(p) for p in places.list_places(get_session(), cpts=args.get("cpts"),
                                                    kind=args.get("kind"))]
    return {"places": found, "count": len(found)}


@blp.route("/places", methods=["POST"])
@require_role("admin", "coordinator")
@blp.arguments(PlaceCreateSchema)
@blp.response(201, PlaceSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def create_place(body):
    """Créer un lieu (coordinateur : rattaché à sa CPTS) ; l'adresse est géocodée."""
    session, settings = get_session(), get_settings()
    out = places.create_place(session, body, current_principal(), settings,
                              client=client_for(settings))
    session.commit()
    return out


@blp.route("/places/<int:place_id>")
@blp.response(200, PlaceSchema)
def get_place(place_id: int):
    """Un lieu."""
    return _shown(places.place_view(get_session(), place_id))


@blp.route("/places/<int:place_id>", methods=["PATCH"])
@require_role("admin", "coordinator")
@blp.arguments(PlaceInSchema)
@blp.response(200, PlaceSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def patch_place(body, place_id: int):
    """Modifier un lieu (une adresse changée est géocodée de nouveau)."""
    session, settings = get_session(), get_settings()
    out = places.update_place(session, place_id, body, current_principal(), settings,
                              client=client_for(settings))
    session.commit()
    return out


@blp.route("/places/<int:place_id>", methods=["DELETE"])
@require_role("admin", "coordinator")
@blp.response(204)
@blp.doc(security=SECURITY)
def delete_place(place_id: int):
    """Supprimer un lieu et ses fermetures (les sites qui y exerçaient restent, détachés)."""
    session = get_session()
    places.delete_place(session, place_id, current_principal())
    session.commit()
    return ""


@blp.route("/places/<int:place_id>/closures")
@require_role("admin", "coordinator")
@blp.response(200, ClosureListSchema)
@blp.doc(security=SECURITY)
def place_closures(place_id: int):
    """Les fermetures d'un lieu."""
    return {"closures": closures.list_closures(get_session(), current_principal(),
                                               place_id=place_id)}


@blp.route("/places/<int:place_id>/closures", methods=["POST"])
@require_role("admin", "coordinator")
@blp.arguments(ClosureInSchema)
@blp.response(201, ClosureSchema)
@blp.doc(security=SECURITY)
def add_place_closure(body, place_id: int):
    """Fermer un lieu du premier au dernier jour (inclus)."""
    session = get_session()
    out = closures.add_closure(session, current_principal(), body, place_id=place_id)
    session.commit()
    return out


@blp.route("/professionals/<int:professional_id>/closures")
@require_role("admin", "coordinator", "professional")
@blp.response(200, ClosureListSchema)
@blp.doc(security=SECURITY)
def professional_closures(professional_id: int):
    """Les fermetures (absences) d'un professionnel."""
    return {"closures": closures.list_closures(get_session(), current_principal(),
                                               professional_id=professional_id)}


@blp.route("/professionals/<int:professional_id>/closures", methods=["POST"])
@require_role("admin", "coordinator", "professional")
@blp.arguments(ClosureInSchema)
@blp.response(201, ClosureSchema)
@blp.doc(security=SECURITY)
def add_professional_closure(body, professional_id: int):
    """Déclarer une fermeture (congés, absence) du premier au dernier jour (inclus)."""
    session = get_session()
    out = closures.add_closure(session, current_principal(), body,
                               professional_id=professional_id)
    session.commit()
    return out


@blp.route("/closures/<int:closure_id>", methods=["DELETE"])
@require_role("admin", "coordinator", "professional")
@blp.response(204)
@blp.doc(security=SECURITY)
def delete_closure(closure_id: int):
    """Supprimer une fermeture."""
    session = get_session()
    closures.delete_closure(session, current_principal(), closure_id)
    session.commit()
    return ""
