"""The colleagues page (/collegues): the members of my CPTS and the professionals near my own
practice, by profession, competency and "takes referrals", nearest first from my site, with
the professional-only fields where the one rule (``directory.colleague_access``) allows them.

The search is the directory's (``search_professionals`` with ``near`` = my site); "takes
referrals" is a professional-only field, so that filter keeps only entries the asker may see
as a colleague (``SearchQuery.referrals_in``).
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..directory.colleague_access import (colleague_cpts_ids, referral_scope,
                                          with_professional_fields)
from ..directory.filters import SearchQuery
from ..directory.lookup import check_professions
from ..directory.search import search_professionals
from ..directory.vocabularies import competencies, professions
from ...vocab import FRENCH_COLLATION

LIMIT = 30
#: Around my practice, no farther (km).
RADIUS_KM = 50

_MY_SITES = text("""
    SELECT s.id, coalesce(s.name, s.address) AS label, s.address, s.commune_name,
           ST_Y(s.geom) AS lat, ST_X(s.geom) AS lon
    FROM practice_site s WHERE s.professional_id = :pid AND s.geom IS NOT NULL ORDER BY s.id
""")
_MY_CPTS = text("SELECT id, slug, name FROM cpts WHERE id = ANY(:ids) "
                f"ORDER BY name COLLATE {FRENCH_COLLATION}, id")


def my_sites(session: Session, principal) -> list[dict]:
    if principal.professional_id is None:
        return []
    return [dict(r) for r in session.execute(
        _MY_SITES, {"pid": principal.professional_id}).mappings()]


def my_cpts(session: Session, principal) -> list[dict]:
    ids = colleague_cpts_ids(session, principal)
    if not ids:
        return []
    return [dict(r) for r in session.execute(_MY_CPTS, {"ids": sorted(ids)}).mappings()]


def colleagues_page(session: Session, principal, args: dict) -> dict:
    """The page's read model; ``args`` as ``schemas.colleagues.ColleagueArgsSchema`` loads
    them."""
    if args["profession"]:
        check_professions(session, [args["profession"]])
    sites, cpts = my_sites(session, principal), my_cpts(session, principal)
    site = sites[args["site"]] if args["site"] < len(sites) else (sites[0] if sites else None)
    scope = args["perimetre"] or ("proches" if site else "cpts")
    if scope == "cpts" and not cpts:
        scope = "proches"
    query = SearchQuery(
        near=(site["lat"], site["lon"]) if site else None,
        radius_km=RADIUS_KM if site else None,
        professions=[args["profession"]] if args["profession"] else [],
        competencies=[args["competence"]] if args["competence"] else [],
        cpts=cpts[0]["id"] if scope == "cpts" else None,
        referrals_in=referral_scope(session, principal) if args["adresses"] else None,
        limit=LIMIT + 1)
    found = [r for r in search_professionals(session, query)
             if r["id"] != principal.professional_id][:LIMIT]
    return {"results": with_professional_fields(session, principal, found),
            "sites": sites, "site": site, "cpts": cpts, "scope": scope, "args": args,
            "professions": professions(session), "competencies": competencies(session)}
