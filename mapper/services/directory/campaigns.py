"""A CPTS's campaigns (« Vaccination antigrippale 2026-2027 »): create, edit, delete, read.

Who: a campaign is written by its CPTS's coordinator or an admin (``can_manage_campaigns``).
A public campaign is read by anyone; one that is not public only by those who may manage it —
for everyone else it does not exist (404), and it never reaches a feed, an export or a public
list. Every write is audited. Field names in errors are the API's.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from ...models import Campaign, Permanence
from .. import audit
from ..territories.naming import slugify

FIELDS = ("name", "slug", "kind", "starts_on", "ends_on", "description", "public")


def _signed_in(principal) -> bool:
    return principal is not None and not getattr(principal, "is_anonymous", True)


def can_manage_campaigns(principal, cpts_id: int) -> bool:
    """The CPTS's coordinator or an admin."""
    return _signed_in(principal) and (
        principal.is_admin or (principal.role == "coordinator" and principal.cpts_id == cpts_id))


def require_manage(principal, cpts_id: int) -> None:
    if not _signed_in(principal):
        raise Unauthorized("Connectez-vous pour gérer les campagnes de la CPTS.")
    if not can_manage_campaigns(principal, cpts_id):
        raise Forbidden("Seuls le coordinateur de la CPTS et un administrateur gèrent ses "
                        "campagnes.")


def can_see(principal, campaign: Campaign) -> bool:
    return campaign.public or can_manage_campaigns(principal, campaign.cpts_id)


def get_campaign(session: Session, principal, campaign_id: int) -> Campaign:
    """A campaign by id; 404 when unknown or not public and the principal may not manage it."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not can_see(principal, campaign):
        raise NotFound("Campagne inconnue.")
    return campaign


def find_campaign(session: Session, principal, cpts_id: int, key: str) -> Campaign:
    """A CPTS's campaign by slug (or id), with the same visibility as ``get_campaign``."""
    campaign = session.scalar(select(Campaign).where(Campaign.cpts_id == cpts_id,
                                                     Campaign.slug == key.lower()))
    if campaign is None and key.isascii() and key.isdecimal() and len(key) < 10:
        campaign = session.get(Campaign, int(key))
        if campaign is not None and campaign.cpts_id != cpts_id:
            campaign = None
    if campaign is None or not can_see(principal, campaign):
        raise NotFound("Campagne inconnue.")
    return campaign


def campaign_dict(campaign: Campaign, count: int | None = None) -> dict:
    out = {"id": campaign.id, "cpts": campaign.cpts_id, "slug": campaign.slug,
           "name": campaign.name, "kind": campaign.kind,
           "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
           "description": campaign.description, "public": campaign.public}
    if count is not None:
        out["permanences"] = count
    return out


def list_campaigns(session: Session, principal, cpts_id: int, *,
                   include_private: bool = False) -> list[dict]:
    """The CPTS's campaigns, latest first, with their number of permanences; the non-public
    ones only when asked by someone who may manage them."""
    counts = (select(func.count()).where(Permanence.campaign_id == Campaign.id)
              .correlate(Campaign).scalar_subquery())
    stmt = (select(Campaign, counts).where(Campaign.cpts_id == cpts_id)
            .order_by(Campaign.starts_on.desc(), Campaign.id.desc()))
    if not (include_private and can_manage_campaigns(principal, cpts_id)):
        stmt = stmt.where(Campaign.public.is_(True))
    return [campaign_dict(c, n) for c, n in session.execute(stmt)]


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationFailed("La campagne finit avant de commencer.", errors={
            "ends_on": ["la fin de la campagne doit être le jour du début ou après"]})


def _check_slug_free(session: Session, cpts_id: int, slug: str, self_id: int | None) -> None:
    other = session.scalar(select(Campaign.id).where(
        Campaign.cpts_id == cpts_id, Campaign.slug == slug, Campaign.id.is_distinct_from(self_id)))
    if other is not None:
        raise Conflict(f"Une campagne de la CPTS a déjà l'identifiant {slug}.",
                       errors={"slug": ["déjà utilisé par une autre campagne de la CPTS"]})


def _snapshot(campaign: Campaign) -> dict:
    return campaign_dict(campaign)


def create_campaign(session: Session, principal, cpts_id: int, body: dict) -> Campaign:
    """A new campaign of the CPTS (``body`` as ``CampaignInSchema`` loads it)."""
    require_manage(principal, cpts_id)
    _check_period(body["starts_on"], body["ends_on"])
    slug = body.get("slug") or slugify(body["name"])[:120]
    _check_slug_free(session, cpts_id, slug, None)
    campaign = Campaign(cpts_id=cpts_id, slug=slug, name=body["name"].strip(), kind=body["kind"],
                        starts_on=body["starts_on"], ends_on=body["ends_on"],
                        description=body.get("description") or None,
                        public=body.get("public", True))
    session.add(campaign)
    session.flush()
    audit.record(session, principal, "campaign.create", "campaign", campaign.id,
                 after=_snapshot(campaign))
    return campaign


def _outside(session: Session, campaign: Campaign, starts_on: date, ends_on: date) -> int:
    return session.scalar(select(func.count()).where(
        Permanence.campaign_id == campaign.id,
        (Permanence.on_date < starts_on) | (Permanence.on_date > ends_on)))


def update_campaign(session: Session, principal, campaign: Campaign, body: dict) -> Campaign:
    """Change the given fields. A shorter period that would leave permanences outside it is
    refused (move or delete them first)."""
    require_manage(principal, campaign.cpts_id)
    before = _snapshot(campaign)
    starts_on = body.get("starts_on", campaign.starts_on)
    ends_on = body.get("ends_on", campaign.ends_on)
    _check_period(starts_on, ends_on)
    outside = _outside(session, campaign, starts_on, ends_on)
    if outside:
        message = f"{outside} permanence(s) en dehors de cette période : déplacez-les d'abord"
        raise ValidationFailed("Des permanences sortiraient de la période.",
                               errors={"starts_on": [message], "ends_on": [message]})
    if body.get("slug") and body["slug"] != campaign.slug:
        _check_slug_free(session, campaign.cpts_id, body["slug"], campaign.id)
    for name in FIELDS:
        if name in body and (name != "slug" or body[name]):
            setattr(campaign, name, body[name])
    campaign.updated_at = func.now()
    session.flush()
    session.refresh(campaign)
    audit.record(session, principal, "campaign.update", "campaign", campaign.id,
                 before=before, after=_snapshot(campaign))
    return campaign


def delete_campaign(session: Session, principal, campaign: Campaign) -> None:
    """Delete a campaign and its permanences."""
    require_manage(principal, campaign.cpts_id)
    before = _snapshot(campaign)
    session.delete(campaign)
    session.flush()
    audit.record(session, principal, "campaign.delete", "campaign", before["id"], before=before)
