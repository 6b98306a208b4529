"""The régions an ARS reviewer may open, and the one the review queue opens by default (the
queue itself is ``ars_queue``, a project's page ``ars_project``)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...reference import REGIONS


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
