"""Write a campaign's permanences: create, change, delete — by the CPTS's coordinator or an
admin, audited, in the caller's transaction (nothing is written when a rule fails).

Rules (a 422 naming the API's field): the day inside the campaign's period (``date``), the end
after the start (``end``; no permanence runs past midnight), a known place of the CPTS or a
known practice site, exactly one of the two (``place``/``site``). The UTC instants come from
``calendar.wall_instants`` (DST settled on write). Every change adds one to ``sequence`` so
subscribed calendars replace the event.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import NotFound, ValidationFailed
from ...models import Campaign, Permanence, PracticeSite
from ...models.place import Place
from .. import audit
from .calendar import wall_instants
from .campaigns import get_campaign, require_manage
from .permanences import permanences_query, row_dict

EDITABLE = ("on_date", "start", "end", "appointment", "notes", "capacity")


def _location(session: Session, cpts_id: int, place_id: int | None, site_id: int | None
              ) -> tuple[int | None, int | None]:
    if (place_id is None) == (site_id is None):
        reason = ["un lieu ou un site, l'un des deux"]
        raise ValidationFailed("Indiquez un lieu ou un site.",
                               errors={"place": reason, "site": reason})
    if place_id is not None:
        owner = session.execute(select(Place.id, Place.cpts_id)
                                .where(Place.id == place_id)).first()
        if owner is None or owner.cpts_id not in (None, cpts_id):
            raise ValidationFailed("Lieu inconnu.", errors={
                "place": [f"lieu inconnu de la CPTS : {place_id}"]})
    elif session.get(PracticeSite, site_id) is None:
        raise ValidationFailed("Site inconnu.", errors={"site": [f"site inconnu : {site_id}"]})
    return place_id, site_id


def _instants(campaign: Campaign, values: dict):
    day = values["on_date"]
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise ValidationFailed("Jour en dehors de la campagne.", errors={"date": [
            f"en dehors de la campagne (du {campaign.starts_on:%d/%m/%Y} "
            f"au {campaign.ends_on:%d/%m/%Y})"]})
    try:
        return wall_instants(day, values["start"], values["end"])
    except ValueError:
        raise ValidationFailed("La permanence finit avant de commencer.", errors={
            "end": ["la fin doit suivre le début (le même jour)"]}) from None


def _snapshot(p: Permanence) -> dict:
    return {"campaign": p.campaign_id, "place": p.place_id, "site": p.site_id,
            "date": p.on_date.isoformat(), "start": p.start_time.strftime("%H:%M"),
            "end": p.end_time.strftime("%H:%M"), "appointment": p.appointment,
            "notes": p.notes, "capacity": p.capacity, "sequence": p.sequence}


def permanence_out(session: Session, permanence_id: int) -> dict:
    """One permanence as ``upcoming_permanences`` gives it (whatever its date)."""
    stmt = permanences_query(None, public_only=False).where(Permanence.id == permanence_id)
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound("Permanence inconnue.")
    return row_dict(row)


def create_permanence(session: Session, principal, campaign: Campaign, body: dict) -> Permanence:
    """A new permanence of ``campaign`` (``body`` as ``PermanenceInSchema`` loads it)."""
    require_manage(principal, campaign.cpts_id)
    place_id, site_id = _location(session, campaign.cpts_id, body.get("place"), body.get("site"))
    starts_at, ends_at = _instants(campaign, body)
    permanence = Permanence(
        campaign_id=campaign.id, place_id=place_id, site_id=site_id, on_date=body["on_date"],
        start_time=body["start"], end_time=body["end"], starts_at=starts_at, ends_at=ends_at,
        appointment=body.get("appointment") or "sans_rdv", notes=body.get("notes") or None,
        capacity=body.get("capacity"), sequence=0)
    session.add(permanence)
    session.flush()
    audit.record(session, principal, "permanence.create", "permanence", permanence.id,
                 after=_snapshot(permanence))
    return permanence


def get_permanence(session: Session, principal, permanence_id: int) -> tuple[Permanence,
                                                                               Campaign]:
    """A permanence and its campaign, visible as its campaign is (404 otherwise)."""
    permanence = session.get(Permanence, permanence_id)
    if permanence is None:
        raise NotFound("Permanence inconnue.")
    try:
        return permanence, get_campaign(session, principal, permanence.campaign_id)
    except NotFound:
        raise NotFound("Permanence inconnue.") from None


def update_permanence(session: Session, principal, permanence: Permanence, body: dict
                      ) -> Permanence:
    """Change the given fields (a place replaces a site and the other way round)."""
    campaign = session.get(Campaign, permanence.campaign_id)
    require_manage(principal, campaign.cpts_id)
    before = _snapshot(permanence)
    current = {"on_date": permanence.on_date, "start": permanence.start_time,
               "end": permanence.end_time, "appointment": permanence.appointment,
               "notes": permanence.notes, "capacity": permanence.capacity}
    values = {**current, **{k: body[k] for k in EDITABLE if k in body}}
    if "place" in body or "site" in body:
        place_id, site_id = _location(session, campaign.cpts_id, body.get("place"),
                                      body.get("site"))
        permanence.place_id, permanence.site_id = place_id, site_id
    permanence.starts_at, permanence.ends_at = _instants(campaign, values)
    permanence.on_date, permanence.start_time = values["on_date"], values["start"]
    permanence.end_time, permanence.capacity = values["end"], values["capacity"]
    permanence.appointment = values["appointment"] or "sans_rdv"
    permanence.notes = values["notes"] or None
    permanence.sequence = Permanence.sequence + 1
    permanence.updated_at = func.now()
    session.flush()
    session.refresh(permanence)
    audit.record(session, principal, "permanence.update", "permanence", permanence.id,
                 before=before, after=_snapshot(permanence))
    return permanence


def delete_permanence(session: Session, principal, permanence: Permanence) -> None:
    campaign = session.get(Campaign, permanence.campaign_id)
    require_manage(principal, campaign.cpts_id)
    before, permanence_id = _snapshot(permanence), permanence.id
    session.delete(permanence)
    session.flush()
    audit.record(session, principal, "permanence.delete", "permanence", permanence_id,
                 before=before)
