"""The directory of professionals: CRUD, search, zones as GeoJSON.

Anonymous readers get public fields only; writers are checked in the service (admin, the
coordinator of one of the professional's CPTS, or the professional's own account).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask_smorest import Blueprint

from ..config import get_settings
from ..db import get_session
from ..errors import Unauthorized
from ..http.principal import current_principal, require_role
from ..schemas.professionals import (ProfessionalCreateSchema, ProfessionalInSchema,
                                     SearchArgsSchema)
from ..services import directory
from ..services.geocoding import client_for, locate
from .schemas import GEOJSON, SECURITY, answers, geojson, geojson_text, json_or_geojson

blp = Blueprint("professionals", __name__, url_prefix="/api/v1/professionals",
                description="Annuaire des professionnels : fiches, recherche, zones d'intervention")
ENTRY = "Une fiche (champs publics, ou vue privée pour qui peut la modifier)"


@blp.route("", methods=["POST"])
@require_role("admin", "coordinator")
@blp.arguments(ProfessionalCreateSchema)
@blp.doc(security=SECURITY, responses={
    **answers(201, "Professional", "La fiche complète (vue privée)"), "409": "CONFLICT"})
def create(body):
    """Créer une fiche (administrateur, ou coordinateur : rattachée à sa CPTS)."""
    session, settings = get_session(), get_settings()
    out = directory.create_professional(session, body, current_principal(), settings,
                                        client=client_for(settings))
    session.commit()
    return out, 201


def _query(session, args) -> directory.SearchQuery:
    near = args.get("near")
    referrals_in = None
    if args.get("takes_referrals"):
        principal = current_principal()
        if principal.is_anonymous:
            raise Unauthorized("takes_referrals est réservé aux confrères : donnez un jeton.")
        referrals_in = directory.referral_scope(session, principal)
    if args.get("address") and near is None:
        try:
            found = locate(session, get_settings(), args["address"])
        finally:
            session.commit()  # keep the cached answer, "not found" included
        near = (found.lat, found.lon)
    open_at = args.get("open_at")
    if open_at is None and args.get("open_now"):
        open_at = datetime.now(timezone.utc)
    return directory.SearchQuery(
        near=near, radius_km=args.get("radius_km"), professions=args["profession"],
        competencies=args["competency"], covers=args.get("covers"),
        accepting_new_patients=args.get("accepting_new_patients"), open_at=open_at,
        language=args.get("language"), accessible=args.get("accessible"),
        cpts=args.get("cpts"), limit=args["limit"], slot_kind=args.get("slot_kind"),
        home_visits=args.get("home_visits"), teleconsultation=args.get("teleconsultation"),
        referrals_in=referrals_in)


@blp.route("/search")
@blp.arguments(SearchArgsSchema, location="query")
@blp.doc(responses={**json_or_geojson("JSON, ou FeatureCollection avec format=geojson",
                                     "SearchResults"), "401": "UNAUTHORIZED"})
def search(args):
    """Rechercher : les plus proches d'abord quand un lieu est donné (near, address, covers).

    Avec le jeton d'un professionnel ou d'un coordinateur, les résultats membres d'une de ses
    CPTS portent aussi la ligne directe, l'adresse MSSanté et l'adressage (``colleague``)."""
    session = get_session()
    results = directory.search_professionals(session, _query(session, args))
    if args["format"] == "geojson":  # an export: public fields only
        return geojson(directory.results_geojson(results))
    results = directory.with_professional_fields(session, current_principal(), results)
    return {"results": results, "count": len(results)}


@blp.route("/<int:professional_id>")
@blp.doc(responses=answers(200, "Professional", ENTRY))
def get_one(professional_id: int):
    """Une fiche : champs publics, ou complète pour qui peut la modifier."""
    return directory.professional_for(get_session(), current_principal(), professional_id)


@blp.route("/<int:professional_id>", methods=["PATCH"])
@require_role("admin", "coordinator", "professional")
@blp.arguments(ProfessionalInSchema)
@blp.doc(security=SECURITY, responses={**answers(200, "Professional", ENTRY), "409": "CONFLICT"})
def patch(body, professional_id: int):
    """Modifier une fiche (les listes données remplacent les actuelles)."""
    session, settings = get_session(), get_settings()
    out = directory.update_professional(session, professional_id, body, current_principal(),
                                        settings, client=client_for(settings))
    session.commit()
    return out


@blp.route("/<int:professional_id>", methods=["DELETE"])
@require_role("admin", "coordinator", "professional")
@blp.response(204)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def remove(professional_id: int):
    """Supprimer une fiche, ses sites, zones, créneaux et adhésions."""
    session = get_session()
    directory.delete_professional(session, professional_id, current_principal())
    session.commit()
    return ""


@blp.route("/<int:professional_id>/zones")
@blp.doc(responses=answers(200, "FeatureCollection",
                           "FeatureCollection GeoJSON des zones d'intervention", GEOJSON))
def zones(professional_id: int):
    """Les zones d'intervention (visites à domicile) d'un professionnel."""
    return geojson_text(directory.professional_zone_geojson_text(get_session(), professional_id))
