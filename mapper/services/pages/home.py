"""The home page: every CPTS but rejected ones, by name, without geometry."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...reference import REGIONS
from ...vocab import FRENCH_COLLATION
from ..directory.vocabularies import professions


def home(session: Session) -> dict:
    return {"cpts_list": cpts_list(session), "professions": professions(session, for_patients=True),
            "demo_only": demo_only(session)}


def demo_only(session: Session) -> bool:
    """True while the only data is the demo's: something is loaded, every entry has source
    ``demo`` and every CPTS was created by ``mapper demo`` (its audit trail says so). The first
    real entry or CPTS (import, API, page) ends the demo notice."""
    return bool(session.execute(text("""
        SELECT (EXISTS (SELECT 1 FROM professional) OR EXISTS (SELECT 1 FROM cpts))
           AND NOT EXISTS (SELECT 1 FROM professional WHERE source <> 'demo')
           AND NOT EXISTS (SELECT 1 FROM cpts k WHERE NOT EXISTS (
                 SELECT 1 FROM audit_event e WHERE e.entity_type = 'cpts'
                 AND e.entity_id = k.id::text AND e.action = 'cpts.create'
                 AND e.actor = 'demo'))""")).scalar())


def cpts_list(session: Session) -> list[dict]:
    rows = session.execute(text(f"""
        SELECT slug, name, status, region, population, size_category FROM cpts
        WHERE status <> 'rejete' ORDER BY name COLLATE {FRENCH_COLLATION}, slug""")).mappings()
    return [{**r, "region_name": REGIONS.get(r["region"] or "", r["region"])} for r in rows]
