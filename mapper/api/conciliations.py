"""Conciliation of overlaps between CPTS projects: the state of each overlapping pair."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields

from ..config import get_settings
from ..db import get_session
from ..http.principal import current_principal, require_role
from ..schemas.conciliation import STATES, ConciliationPatchSchema, ConciliationQuerySchema
from ..services.territories import list_conciliations, set_in_conciliation
from .schemas import SECURITY, Open

blp = Blueprint("conciliations", __name__, url_prefix="/api/v1/conciliations",
                description="Conciliation des chevauchements entre projets de CPTS")
PAIR = [{"in": "path", "name": name, "description": "Identifiant d'une des deux CPTS",
         "schema": {"type": "integer"}} for name in ("a", "b")]


class ConciliationOutSchema(Open):
    a = fields.Dict(metadata={"description": "CPTS {id, name, slug, status, region}"})
    b = fields.Dict(metadata={"description": "CPTS {id, name, slug, status, region}"})
    state = fields.String(metadata={"enum": STATES, "description":
                                    "a_concilier, en_conciliation, resolue_arbitrage, "
                                    "resolue_territoire"})
    note = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)
    shared_communes = fields.List(fields.String())
    population_affected = fields.Integer(allow_none=True)
    overlap_area_km2 = fields.Float(allow_none=True)


class ConciliationsSchema(Open):
    conciliations = fields.List(fields.Nested(ConciliationOutSchema))


@blp.route("")
@require_role("admin", "ars")
@blp.arguments(ConciliationQuerySchema, location="query")
@blp.response(200, ConciliationsSchema)
@blp.doc(security=SECURITY)
def list_(args):
    """Les chevauchements d'une région et leur état de conciliation (ARS de la région,
    administrateurs)."""
    return {"conciliations": list_conciliations(get_session(), current_principal(),
                                                args["region"], get_settings(),
                                                include_resolved=args["resolved"])}


@blp.route("/<int:a>/<int:b>", methods=["PATCH"], parameters=PAIR)
@require_role("admin", "ars")
@blp.arguments(ConciliationPatchSchema)
@blp.response(200, ConciliationOutSchema, description="Le chevauchement et son état")
@blp.doc(security=SECURITY, responses={"409": "CONFLICT", "404": "NOT_FOUND"})
def patch(body, a: int, b: int):
    """Mettre un chevauchement « en conciliation », avec une note (journalisé).

    409 quand les deux CPTS ne se chevauchent pas ou que l'arbitrage l'a déjà résolu."""
    session = get_session()
    result = set_in_conciliation(session, current_principal(), a, b, body["note"],
                                 get_settings())
    session.commit()
    return result
