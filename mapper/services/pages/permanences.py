"""What the public permanences page, its widget and its poster show: a CPTS's upcoming
permanences of its **public** campaigns (``directory.permanences.upcoming_permanences``, public
fields only), by day, by place for the map, the campaign kinds present (the filter) and the
public campaigns (their feeds)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...messages import N_
from ...models import Campaign, Cpts
from ...vocab import CAMPAIGN_KINDS, FRENCH_COLLATION
from ..directory.permanences import upcoming_permanences
from ..territories.cpts import get_cpts

#: The page lists at most this many permanences (the feeds and the CSV carry them all).
PAGE_LIMIT = 300


@dataclass
class PlaceGroup:
    """One place and its permanences (for the map)."""

    name: str
    address: str | None
    lat: float | None
    lon: float | None
    phone: str | None
    items: list[dict] = field(default_factory=list)


@dataclass
class PublicPermanences:
    cpts: Cpts
    kind: str | None
    days: list[tuple[date, list[dict]]]
    places: list[PlaceGroup]
    kinds: list[str]  # kinds of the public campaigns with upcoming permanences
    campaigns: list[Campaign]  # public campaigns with upcoming permanences
    total: int
    shown: int
    truncated: bool


def check_kind(raw: str | None) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    if value not in CAMPAIGN_KINDS:
        raise ValidationFailed(N_("Type de campagne inconnu."),
                               errors={"type": [N_("type de campagne inconnu")]})
    return value


def full_address(place: dict) -> str | None:
    town = " ".join(p for p in (place.get("postcode"), place.get("commune_name")) if p)
    return ", ".join(p for p in (place.get("address"), town) if p) or None


def by_place(items: list[dict]) -> list[PlaceGroup]:
    groups: dict[tuple, PlaceGroup] = {}
    for item in items:
        p = item["place"]
        key = (p["type"], p["id"])
        if key not in groups:
            groups[key] = PlaceGroup(p["name"], full_address(p), p["lat"], p["lon"], p["phone"])
        groups[key].items.append(item)
    return list(groups.values())


def _by_day(items: list[dict]) -> list[tuple[date, list[dict]]]:
    days: dict[date, list[dict]] = {}
    for item in items:
        days.setdefault(item["on_date"], []).append(item)
    return list(days.items())


def public_permanences(session: Session, slug: str, *, kind: str | None = None,
                       campaign_slug: str | None = None,
                       limit: int = PAGE_LIMIT) -> PublicPermanences:
    """The upcoming public permanences of the CPTS ``slug`` (a kind or a campaign given: only
    those), at most ``limit``."""
    cpts = get_cpts(session, slug)
    everything = upcoming_permanences(session, cpts.id)
    kinds = sorted({i["campaign"]["kind"] for i in everything}, key=CAMPAIGN_KINDS.index)
    ids = {i["campaign"]["id"] for i in everything}
    order = (Campaign.starts_on, Campaign.name.collate(FRENCH_COLLATION))
    campaigns = list(session.scalars(select(Campaign).where(Campaign.id.in_(ids))
                                     .order_by(*order))) if ids else []
    items = [i for i in everything
             if (kind is None or i["campaign"]["kind"] == kind)
             and (campaign_slug is None or i["campaign"]["slug"] == campaign_slug)]
    shown = items[:limit]
    return PublicPermanences(cpts=cpts, kind=kind, days=_by_day(shown), places=by_place(shown),
                             kinds=kinds, campaigns=campaigns, total=len(items), shown=len(shown),
                             truncated=len(items) > limit)
