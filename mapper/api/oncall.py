"""Who is on call now and later today, a place reserved, free places changed (members-only:
``rota_access``)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields

from ..db import get_session
from ..http.principal import current_principal, require_auth
from ..schemas.oncall import FreePlacesSchema, OncallQuerySchema, ReservationSchema
from ..services.directory import oncall, oncall_places
from .schemas import SECURITY, Open

blp = Blueprint("oncall", __name__, url_prefix="/api/v1",
                description="Astreintes : qui est d'astreinte maintenant et plus tard "
                            "aujourd'hui, réservation d'une place, places libres")
ID_OR_SLUG = {"in": "path", "name": "id_or_slug", "description": "Identifiant ou slug de la CPTS",
              "schema": {"type": "string"}}


class OncallProfessionalSchema(Open):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    profession = fields.String()
    profession_label = fields.String()


class OncallLocationSchema(Open):
    kind = fields.String(allow_none=True, metadata={"enum": ["place", "site", None]})
    place_kind = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    commune_name = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class OncallShiftSchema(Open):
    id = fields.Integer()
    on_date = fields.String(metadata={"format": "date"})
    start = fields.String(metadata={"description": "HH:MM, heure de Paris"})
    end = fields.String(metadata={"description": "HH:MM, heure de Paris"})
    starts_at = fields.String(metadata={"format": "date-time"})
    ends_at = fields.String(metadata={"format": "date-time"})
    now = fields.Boolean(metadata={"description": "En cours en ce moment"})
    free_places = fields.Integer()
    note = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    updated_at = fields.String(metadata={"format": "date-time"})
    professional = fields.Nested(OncallProfessionalSchema)
    location = fields.Nested(OncallLocationSchema)
    phone = fields.String(allow_none=True, metadata={"description": "Téléphone du cabinet"})
    private_phone = fields.String(allow_none=True,
                                  metadata={"description": "Ligne directe (membres seulement)"})
    distance_km = fields.Float(allow_none=True)


class OncallSchema(Open):
    cpts = fields.Dict()
    now = fields.String(metadata={"format": "date-time"})
    until = fields.String(metadata={"format": "date-time",
                                           "description": "Fin de la journée (minuit, Paris)"})
    origin = fields.Dict(allow_none=True)
    shifts = fields.List(fields.Nested(OncallShiftSchema))
    count = fields.Integer()


class ReservationOutSchema(Open):
    id = fields.Integer()
    shift_id = fields.Integer()
    free_places = fields.Integer(metadata={"description": "Places libres restantes"})
    reserved_at = fields.String(metadata={"format": "date-time"})
    note = fields.String(allow_none=True)


class FreePlacesOutSchema(Open):
    id = fields.Integer()
    free_places = fields.Integer()
    updated_by = fields.String()
    updated_at = fields.String(metadata={"format": "date-time"})


@blp.route("/cpts/<id_or_slug>/oncall", parameters=[ID_OR_SLUG])
@blp.arguments(OncallQuerySchema, location="query")
@blp.doc(security=SECURITY, responses={"200": {
    "description": "Les astreintes de maintenant à la fin de la journée",
    "content": {"application/json": {"schema": OncallSchema}}}})
def today(args, id_or_slug: str):
    """Qui est d'astreinte maintenant et plus tard aujourd'hui : places libres d'abord, puis
    le plus proche (de lat/lon, sinon du site du professionnel connecté)."""
    require_auth()
    near = None if args["lat"] is None else (args["lat"], args["lon"])
    return oncall.oncall_today(get_session(), current_principal(), id_or_slug, near=near)


@blp.route("/shifts/<int:shift_id>/reservations", methods=["POST"])
@blp.arguments(ReservationSchema)
@blp.response(201, ReservationOutSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def reserve(body, shift_id: int):
    """Réserver une place d'une astreinte (atomique ; 409 quand il n'en reste plus ou que
    l'astreinte est terminée)."""
    require_auth()
    session = get_session()
    out = oncall_places.reserve_place(session, current_principal(), shift_id, body["note"])
    session.commit()
    return out


@blp.route("/shifts/<int:shift_id>/free-places", methods=["POST"])
@blp.arguments(FreePlacesSchema)
@blp.response(200, FreePlacesOutSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def free_places(body, shift_id: int):
    """Places libres : −1, +1, complet ou un nombre (le professionnel d'astreinte, la
    coordination, un administrateur)."""
    require_auth()
    session = get_session()
    out = oncall_places.change_free_places(session, current_principal(), shift_id,
                                           body["action"], body["value"])
    session.commit()
    return out
