"""The vocabularies of the directory: professions and competencies."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..db import get_session
from ..http.principal import current_principal, require_role
from ..schemas.professionals import CompetencyInSchema
from ..services.directory import vocabularies
from .schemas import SECURITY, CompetenciesSchema, ProfessionsSchema

blp = Blueprint("directory_vocabularies", __name__, url_prefix="/api/v1",
                description="Vocabulaires de l'annuaire : professions et compétences")


@blp.route("/professions")
@blp.response(200, ProfessionsSchema)
def professions():
    """Les professions : nomenclature RPPS et rôles propres aux CPTS."""
    return {"professions": vocabularies.professions(get_session())}


@blp.route("/competencies")
@blp.response(200, CompetenciesSchema)
def competencies():
    """Le vocabulaire des compétences."""
    return {"competencies": vocabularies.competencies(get_session())}


@blp.route("/competencies", methods=["POST"])
@require_role("admin", "coordinator")
@blp.arguments(CompetencyInSchema)
@blp.response(201, CompetencyInSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def add_competency(body):
    """Ajouter une compétence au vocabulaire (administrateur, coordinateur)."""
    session = get_session()
    vocabularies.add_competency(session, body, current_principal())
    session.commit()
    return body
