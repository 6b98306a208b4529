"""The home page: every CPTS but rejected ones, by name, without geometry."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...reference import REGIONS
from ...vocab import FRENCH_COLLATION
from ..directory.vocabularies import professions


def home(session: Session) -> dict:
    return {"cpts_list": cpts_list(session), "professions": professions(session, for_patients=True)}


def cpts_list(session: Session) -> list[dict]:
    rows = session.execute(text(f"""
        SELECT slug, name, status, region, population, size_category FROM cpts
        WHERE status <> 'rejete' ORDER BY name COLLATE {FRENCH_COLLATION}, slug""")).mappings()
    return [{**r, "region_name": REGIONS.get(r["region"] or "", r["region"])} for r in rows]
