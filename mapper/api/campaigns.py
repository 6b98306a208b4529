"""Campaigns of a CPTS and their dated permanences.

Reading is public for public campaigns; a campaign that is not public exists only for its
CPTS's coordinator and admins (404 for everyone else). Writing: the coordinator or an admin,
audited; bad input is a 422 naming the field and writes nothing.
"""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields

from ..db import get_session
from ..http.principal import current_principal, require_role
from ..schemas.campaigns import (
    CampaignInSchema,
    CampaignPatchSchema,
    CampaignQuerySchema,
    PermanenceInSchema,
    PermanencePatchSchema,
    PermanenceQuerySchema,
)
from ..services.directory import campaigns as svc
from ..services.directory import permanence_writes as writes
from ..services.directory.permanences import permanence_json, upcoming_permanences
from ..services.territories import get_cpts
from .schemas import SECURITY, Open

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1",
                description="Campagnes (vaccination…) et leurs permanences datées")
SLUG = {"in": "path", "name": "slug", "description": "Identifiant ou slug de la CPTS",
        "schema": {"type": "string"}}
WRITE = {"409": "CONFLICT", "422": "UNPROCESSABLE_ENTITY"}


class CampaignSchema(Open):
    id = fields.Integer()
    cpts = fields.Integer()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    starts_on = fields.String(metadata={"format": "date"})
    ends_on = fields.String(metadata={"format": "date"})
    description = fields.String(allow_none=True)
    public = fields.Boolean()
    permanences = fields.Integer(metadata={"description": "Nombre de permanences (listes)"})


class PermanenceSchema(Open):
    id = fields.Integer()
    campaign = fields.Dict(metadata={"description": "{id, slug, name, kind, public}"})
    date = fields.String(metadata={"format": "date"})
    start = fields.String(metadata={"example": "09:00"})
    end = fields.String(metadata={"example": "12:30"})
    starts_at = fields.String(metadata={"format": "date-time"})
    ends_at = fields.String(metadata={"format": "date-time"})
    appointment = fields.String(metadata={"enum": ["sans_rdv", "sur_rdv", "les_deux"]})
    notes = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    sequence = fields.Integer(metadata={"description": "Nombre de modifications (iCalendar)"})
    updated_at = fields.String(metadata={"format": "date-time"})
    place = fields.Dict(metadata={"description": "Lieu ou site : {type, id, name, kind, "
                                                 "address, postcode, commune_name, lat, lon, "
                                                 "phone, accessible}"})


def _permanence(session, permanence_id: int) -> dict:
    return permanence_json(writes.permanence_out(session, permanence_id))


@blp.route("/cpts/<slug>/campaigns", parameters=[SLUG])
@blp.arguments(CampaignQuerySchema, location="query")
@blp.response(200, CampaignSchema(many=True))
def list_campaigns(args, slug: str):
    """Les campagnes d'une CPTS (les non publiées pour son coordinateur avec include_private)."""
    session = get_session()
    return svc.list_campaigns(session, current_principal(), get_cpts(session, slug).id,
                              include_private=args["include_private"])


@blp.route("/cpts/<slug>/campaigns", methods=["POST"], parameters=[SLUG])
@require_role("admin", "coordinator")
@blp.arguments(CampaignInSchema)
@blp.response(201, CampaignSchema)
@blp.doc(security=SECURITY, responses=WRITE)
def create_campaign(body, slug: str):
    """Créer une campagne (coordinateur de la CPTS, administrateur)."""
    session = get_session()
    campaign = svc.create_campaign(session, current_principal(), get_cpts(session, slug).id,
                                   body)
    session.commit()
    return svc.campaign_dict(campaign)


@blp.route("/campaigns/<int:campaign_id>")
@blp.response(200, CampaignSchema)
def get_campaign(campaign_id: int):
    """Une campagne (404 si elle n'est pas publiée et que vous ne la gérez pas)."""
    return svc.campaign_dict(svc.get_campaign(get_session(), current_principal(), campaign_id))


@blp.route("/campaigns/<int:campaign_id>", methods=["PATCH"])
@require_role("admin", "coordinator")
@blp.arguments(CampaignPatchSchema(partial=True))
@blp.response(200, CampaignSchema)
@blp.doc(security=SECURITY, responses=WRITE)
def patch_campaign(body, campaign_id: int):
    """Modifier une campagne ; la période ne peut exclure ses permanences."""
    session, principal = get_session(), current_principal()
    campaign = svc.update_campaign(session, principal,
                                   svc.get_campaign(session, principal, campaign_id), body)
    session.commit()
    return svc.campaign_dict(campaign)


@blp.route("/campaigns/<int:campaign_id>", methods=["DELETE"])
@require_role("admin", "coordinator")
@blp.response(204)
@blp.doc(security=SECURITY)
def delete_campaign(campaign_id: int):
    """Supprimer une campagne et ses permanences."""
    session, principal = get_session(), current_principal()
    svc.delete_campaign(session, principal, svc.get_campaign(session, principal, campaign_id))
    session.commit()
    return ""


@blp.route("/campaigns/<int:campaign_id>/permanences")
@blp.arguments(PermanenceQuerySchema, location="query")
@blp.response(200, PermanenceSchema(many=True))
def list_permanences(args, campaign_id: int):
    """Les permanences d'une campagne pas encore terminées (ou depuis since, avant until)."""
    session, principal = get_session(), current_principal()
    campaign = svc.get_campaign(session, principal, campaign_id)
    rows = upcoming_permanences(session, campaign.cpts_id, campaign_id=campaign.id,
                                since=args.get("since"), until=args.get("until"),
                                public_only=campaign.public)
    return [permanence_json(r) for r in rows]


@blp.route("/campaigns/<int:campaign_id>/permanences", methods=["POST"])
@require_role("admin", "coordinator")
@blp.arguments(PermanenceInSchema)
@blp.response(201, PermanenceSchema)
@blp.doc(security=SECURITY, responses=WRITE)
def create_permanence(body, campaign_id: int):
    """Ajouter une permanence (jour dans la période, lieu ou site connu, fin après début)."""
    session, principal = get_session(), current_principal()
    permanence = writes.create_permanence(
        session, principal, svc.get_campaign(session, principal, campaign_id), body)
    session.commit()
    return _permanence(session, permanence.id)


@blp.route("/permanences/<int:permanence_id>")
@blp.response(200, PermanenceSchema)
def get_permanence(permanence_id: int):
    """Une permanence (visible comme sa campagne)."""
    session = get_session()
    permanence, _ = writes.get_permanence(session, current_principal(), permanence_id)
    return _permanence(session, permanence.id)


@blp.route("/permanences/<int:permanence_id>", methods=["PATCH"])
@require_role("admin", "coordinator")
@blp.arguments(PermanencePatchSchema(partial=True))
@blp.response(200, PermanenceSchema)
@blp.doc(security=SECURITY, responses=WRITE)
def patch_permanence(body, permanence_id: int):
    """Modifier une permanence (sa SEQUENCE iCalendar augmente de 1)."""
    session, principal = get_session(), current_principal()
    permanence, _ = writes.get_permanence(session, principal, permanence_id)
    writes.update_permanence(session, principal, permanence, body)
    session.commit()
    return _permanence(session, permanence_id)


@blp.route("/permanences/<int:permanence_id>", methods=["DELETE"])
@require_role("admin", "coordinator")
@blp.response(204)
@blp.doc(security=SECURITY)
def delete_permanence(permanence_id: int):
    """Supprimer une permanence."""
    session, principal = get_session(), current_principal()
    permanence, _ = writes.get_permanence(session, principal, permanence_id)
    writes.delete_permanence(session, principal, permanence)
    session.commit()
    return ""
