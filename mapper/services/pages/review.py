"""The ARS review of a région: projects awaiting a decision with their overlaps, coverage and
zones blanches, and the history of decisions."""
from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...config import Settings
from ...models import Cpts
from ...reference import REGIONS
from ..territories.check import conflicts_with_validated, name_shared_communes
from ..territories.coverage import coverage
from ..territories.cpts import current_overlaps


def ars_review(session: Session, region: str, settings: Settings) -> dict:
    """Everything the ARS review page of a région shows."""
    return {"projects": awaiting_decision(session, region, settings),
            "coverage": coverage(session, region=region),
            "history": decision_history(session, region)}


def review_regions(principal) -> list[str]:
    """The régions a reviewer may open: an ARS account's own, every région for an admin."""
    if principal.is_admin:
        return list(REGIONS)
    if principal.role == "ars":
        return sorted(principal.regions)
    return []


def regions_with_projects(session: Session, allowed: list[str]) -> list[str]:
    """Among ``allowed``, the régions with projects awaiting a decision, then those with any
    CPTS (the default région of the review page)."""
    rows = session.execute(text("""
        SELECT region FROM cpts WHERE region = ANY(:allowed)
        GROUP BY region ORDER BY bool_or(status = 'projet') DESC, region"""),
        {"allowed": list(allowed)}).scalars()
    return list(rows)


def awaiting_decision(session: Session, region: str, settings: Settings) -> list[dict]:
    """Projects of the région with their current overlaps (validated neighbours first)."""
    out = []
    for cpts in session.scalars(select(Cpts).where(Cpts.region == region,
                                                   Cpts.status == "projet")
                                .order_by(Cpts.name)):
        overlaps = current_overlaps(session, cpts, settings)
        name_shared_communes(session, overlaps)
        out.append({"id": cpts.id, "slug": cpts.slug, "name": cpts.name,
                    "population": cpts.population, "area_km2": cpts.area_km2,
                    "size_category": cpts.size_category, "overlaps": overlaps,
                    "conflicts_with_validated": conflicts_with_validated(overlaps)})
    return out


def decision_history(session: Session, region: str, limit: int = 100) -> list[dict]:
    """ARS decisions on the région's CPTS, newest first, from the audit trail."""
    rows = session.execute(text("""
        SELECT e.at, e.actor, e.reason, e.before ->> 'status' AS before,
               e.after ->> 'status' AS after, k.name, k.slug
        FROM audit_event e JOIN cpts k ON k.id::text = e.entity_id
        WHERE e.action = 'cpts.decision' AND e.entity_type = 'cpts' AND k.region = :region
        ORDER BY e.at DESC, e.id DESC LIMIT :limit"""), {"region": region, "limit": limit})
    return [dict(r._mapping) for r in rows]
