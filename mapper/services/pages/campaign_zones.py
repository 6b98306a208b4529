"""What the coordinator's « zones sans permanence » page of a campaign shows: the gap communes
(``directory.campaign_gaps``) with their outlines, the territory's outline, and the places of
all the campaign's permanences (past ones too: the gaps count every permanence)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...models import Campaign, Cpts
from ..directory.campaign_gaps import (CampaignGaps, campaign_gaps, get_campaign_by_slug,
                                       require_view_gaps)
from ..directory.permanences import upcoming_permanences
from ..territories.cpts import get_cpts
from .permanences import PlaceGroup, by_place

#: Outlines simplified to ~10 m for display (the figures use the full geometries).
SIMPLIFY_DEGREES = 0.0001


@dataclass
class CampaignZones:
    cpts: Cpts
    campaign: Campaign
    gaps: CampaignGaps
    geometries: dict[str, dict]
    boundary: dict | None
    places: list[PlaceGroup]


def campaign_zones(session: Session, principal, slug: str, campaign_slug: str,
                   distance_km: float) -> CampaignZones:
    cpts = get_cpts(session, slug)
    campaign = get_campaign_by_slug(session, cpts.id, campaign_slug)
    require_view_gaps(session, principal, campaign)
    gaps = campaign_gaps(session, campaign, distance_km)
    codes = [g.code for g in gaps.communes]
    geometries = {code: json.loads(geojson) for code, geojson in session.execute(text(
        "SELECT code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tol), 5) FROM commune "
        "WHERE code = ANY(:codes)"), {"codes": codes, "tol": SIMPLIFY_DEGREES})} if codes else {}
    boundary = session.scalar(text(
        "SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tol), 5) FROM cpts "
        "WHERE id = :id"), {"id": cpts.id, "tol": SIMPLIFY_DEGREES})
    every = upcoming_permanences(session, cpts.id, campaign_id=campaign.id,
                                 since=datetime(1970, 1, 1, tzinfo=timezone.utc),
                                 public_only=False)
    return CampaignZones(cpts, campaign, gaps, geometries,
                         json.loads(boundary) if boundary else None,
                         by_place(every))
