"""ARS arbitrations: a commune shared by several CPTS on purpose (e.g. by quartiers)."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..http.principal import current_principal, require_role
from ..db import get_session
from ..schemas.territories import ArbitrationSchema, RegionQuerySchema
from ..services.territories import list_arbitrations, record_arbitration
from .schemas import SECURITY, ArbitrationOutSchema, ArbitrationsSchema

blp = Blueprint("arbitrations", __name__, url_prefix="/api/v1/arbitrations",
                description="Arbitrages de l'ARS sur les communes partagées")


@blp.route("", methods=["POST"])
@require_role("admin", "ars")
@blp.arguments(ArbitrationSchema)
@blp.response(201, ArbitrationOutSchema, description="L'arbitrage")
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def create(body):
    """Enregistrer (ou remplacer) l'arbitrage d'une commune partagée, avec son motif."""
    session = get_session()
    result = record_arbitration(session, current_principal(), commune=body["commune"],
                                cpts_ids=body["cpts"], reason=body["reason"])
    session.commit()
    return result


@blp.route("")
@require_role("admin", "ars")
@blp.arguments(RegionQuerySchema, location="query")
@blp.response(200, ArbitrationsSchema)
@blp.doc(security=SECURITY)
def list_(args):
    """Les arbitrages (administrateurs ; ARS : dans ses régions), filtre region."""
    return {"arbitrations": list_arbitrations(get_session(), current_principal(),
                                              args.get("region"))}
