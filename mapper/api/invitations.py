"""Inviting a member of a CPTS by e-mail (coordinators of the CPTS, administrators): the same
use case as the CPTS page's « Inviter ». The link itself is never in the response."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..config import get_settings
from ..db import get_session
from ..http.links import external_url
from ..http.principal import current_principal, require_role
from ..schemas.accounts import InvitationSchema
from ..services.accounts.invitations import invite_member
from ..services.territories import get_cpts
from .schemas import SECURITY, InvitationSentSchema

blp = Blueprint("cpts_invitations", __name__, url_prefix="/api/v1/cpts",
                description="Invitations des membres d'une CPTS")
PATH = [{"in": "path", "name": "id_or_slug", "description": "Identifiant ou slug de la CPTS",
         "schema": {"type": "string"}},
        {"in": "path", "name": "professional_id", "description": "Le numéro de fiche du membre",
         "schema": {"type": "integer"}}]


@blp.route("/<id_or_slug>/members/<int:professional_id>/invitation", methods=["POST"],
           parameters=PATH)
@require_role("coordinator", "admin")
@blp.arguments(InvitationSchema, required=False)
@blp.response(201, InvitationSentSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def invite(body, id_or_slug: str, professional_id: int):
    """Inviter un membre : compte créé s'il manque, lien de connexion à usage unique envoyé.

    La coordination n'invite que les membres de sa CPTS ; un administrateur invite toute
    fiche. 503 quand le serveur de messagerie échoue : rien n'est alors enregistré."""
    session = get_session()
    cpts = get_cpts(session, id_or_slug)
    done = invite_member(session, current_principal(), cpts, professional_id,
                         (body or {}).get("email"), settings=get_settings(),
                         link_for=lambda token: external_url("account.signin_link",
                                                             token=token))
    session.commit()
    return done.as_dict()
