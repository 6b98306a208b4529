"""POST /api/v1/territories/check (anonymous, writes nothing) and GET …/overlaps."""
from __future__ import annotations

from flask import jsonify
from flask_smorest import Blueprint

from ..config import get_settings
from ..db import get_session
from ..schemas.territories import RegionQuerySchema, TerritoryCheckSchema
from ..services.territories import check_territory, overlap_pairs
from .schemas import answers

blp = Blueprint("territories", __name__, url_prefix="/api/v1/territories",
                description="Vérifier un territoire : population, surface, chevauchements")


@blp.route("/check", methods=["POST"])
@blp.arguments(TerritoryCheckSchema)
@blp.doc(responses=answers(200, "CheckResult", "Mesures et chevauchements du territoire"))
def check(body):
    """Mesurer un territoire candidat et lister ses chevauchements, sans rien enregistrer."""
    result = check_territory(get_session(), communes=body.get("communes"),
                             geometry=body.get("geometry"), iris=body.get("iris"),
                             exclude_cpts=body.get("exclude_cpts"), repair=body["repair"],
                             settings=get_settings())
    return jsonify(result)


@blp.route("/overlaps")
@blp.arguments(RegionQuerySchema, location="query")
@blp.doc(responses=answers(200, "Pairs", "Toutes les paires de CPTS qui se chevauchent"))
def overlaps(args):
    """Chaque paire de CPTS qui se chevauchent (communes partagées, population concernée)."""
    return jsonify({"pairs": overlap_pairs(get_session(), get_settings(),
                                           region=args.get("region"))})
