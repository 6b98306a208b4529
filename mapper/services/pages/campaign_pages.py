"""The coordinator's pages of campaigns: the list of a CPTS's campaigns, and one campaign with
all its permanences (past ones too) and the places and sites a permanence may be at."""
from __future__ import annotations

from itertools import groupby

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from ...models import CptsMember, PracticeSite, Professional
from ...models.place import Place
from ...vocab import FRENCH_COLLATION
from ..directory.campaigns import campaign_dict, find_campaign, list_campaigns, require_manage
from ..directory.permanences import permanences_query, row_dict


def _cpts(cpts) -> dict:
    return {"id": cpts.id, "slug": cpts.slug, "name": cpts.name}


def campaigns_page(session: Session, principal, cpts) -> dict:
    require_manage(principal, cpts.id)
    return {"cpts": _cpts(cpts),
            "campaigns": list_campaigns(session, principal, cpts.id, include_private=True)}


def locations(session: Session, cpts_id: int) -> list[dict]:
    """Where the CPTS's permanences may be: its places, then its members' practice sites.
    ``value`` is what the form sends (``place:<id>``/``site:<id>``)."""
    places = session.execute(
        select(Place.id, Place.name, Place.commune_name).where(Place.cpts_id == cpts_id)
        .order_by(Place.name.collate(FRENCH_COLLATION), Place.id))
    name = func.coalesce(PracticeSite.name, func.trim(func.concat(
        Professional.first_name, literal(" "), Professional.last_name)))
    sites = session.execute(
        select(PracticeSite.id, name.label("name"), PracticeSite.commune_name)
        .join(Professional, Professional.id == PracticeSite.professional_id)
        .join(CptsMember, CptsMember.professional_id == Professional.id)
        .where(CptsMember.cpts_id == cpts_id)
        .order_by(name.collate(FRENCH_COLLATION), PracticeSite.id))
    return ([{"value": f"place:{p.id}", "name": p.name, "commune": p.commune_name,
              "group": "place"} for p in places]
            + [{"value": f"site:{s.id}", "name": s.name, "commune": s.commune_name,
                "group": "site"} for s in sites])


def campaign_page(session: Session, principal, cpts, key: str) -> dict:
    """One campaign for its manager: fields, permanences by day, the locations."""
    require_manage(principal, cpts.id)
    campaign = find_campaign(session, principal, cpts.id, key)
    rows = [row_dict(r) for r in session.execute(
        permanences_query(cpts.id, campaign_id=campaign.id, public_only=False))]
    for row in rows:
        row["location"] = f"{row['place']['type']}:{row['place']['id']}"
    return {"cpts": _cpts(cpts), "campaign": campaign_dict(campaign, len(rows)),
            "days": [(day, list(items)) for day, items in groupby(rows, lambda r: r["on_date"])],
            "locations": locations(session, cpts.id)}
