"""Supply of a territory by profession: professionals with a practice site in its communes
(by the site's INSEE commune code), their density per 10 000 inhabitants next to the
département's, the région's and France's (the whole directory), the share accepting new
patients as médecin traitant, and the population of its communes reached by at least one
intervention zone (home visits) of the profession.

A professional counts once in a territory however many of their sites are in it, and in every
territory where one of their sites is. The reference figures (département, région, France) scan
large parts of the directory: they are kept per data version (``services.dataversion``), so a
write anywhere gives fresh figures and a read-only service computes them once.
"""
from __future__ import annotations

import threading

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..dataversion import data_version

PER = 10_000

_TERRITORY = """
    SELECT pr.profession_code, count(*) AS n,
           count(*) FILTER (WHERE pr.accepts_new_patients) AS accepting,
           count(*) FILTER (WHERE pr.accepts_new_patients IS NOT NULL) AS known
    FROM professional pr
    WHERE pr.id IN (SELECT s.professional_id FROM practice_site s
                    WHERE s.commune_code = ANY(:codes) AND s.profession_code = ANY(:profs))
    GROUP BY 1
"""

_REFERENCE = """
    SELECT s.profession_code, count(DISTINCT s.professional_id)
    FROM practice_site s {join}
    WHERE s.profession_code = ANY(:profs) {where}
    GROUP BY 1
"""

_REACHED = """
    SELECT x.profession_code, sum(coalesce(c.population, 0))::bigint
    FROM commune c CROSS JOIN LATERAL (
        SELECT DISTINCT pr.profession_code
        FROM intervention_zone z JOIN professional pr ON pr.id = z.professional_id
        WHERE ST_Intersects(z.geom, c.pop_point) AND pr.profession_code = ANY(:profs)) x
    WHERE c.code = ANY(:codes)
    GROUP BY 1
"""

_POPULATION = "SELECT coalesce(sum(population), 0)::bigint FROM commune WHERE geom IS NOT NULL {and_}"

_lock = threading.Lock()
_cache: dict[tuple, dict] = {}


def _reference_counts(session: Session, level: str, code: str | None,
                      profs: list[str]) -> tuple[dict[str, int], int]:
    """({profession: professionals}, population) of the département, région or France."""
    if level == "france":
        sql = _REFERENCE.format(join="", where="")
        pop_sql = _POPULATION.format(and_="")
    else:
        sql = _REFERENCE.format(join="JOIN commune c ON c.code = s.commune_code",
                                where=f"AND c.{level} = :code")
        pop_sql = _POPULATION.format(and_=f"AND {level} = :code")
    counts = dict(session.execute(text(sql), {"profs": profs, "code": code}).all())
    return counts, int(session.execute(text(pop_sql), {"code": code}).scalar_one())


def reference(session: Session, level: str, code: str | None, profs: list[str]) -> dict:
    """``_reference_counts`` kept per data version (read before the data, see dataversion)."""
    key = (data_version(session), level, code, tuple(profs))
    with _lock:
        hit = _cache.get(key)
    if hit is None:
        counts, population = _reference_counts(session, level, code, profs)
        hit = {"counts": counts, "population": population}
        with _lock:
            if len(_cache) > 256:
                _cache.clear()
            _cache[key] = hit
    return hit


def density(count: int, population: int) -> float | None:
    return round(count * PER / population, 3) if population else None


def supply(session: Session, codes: list[str], profs: list[str], population: int,
           departement: str | None, region: str | None) -> dict[str, dict]:
    """Per profession: count, density and the references, accepting share, reached population."""
    args = {"codes": codes, "profs": profs}
    here = {r.profession_code: r for r in session.execute(text(_TERRITORY), args)}
    reached = dict(session.execute(text(_REACHED), args).all())
    refs = {"departement": reference(session, "departement", departement, profs)
            if departement else None,
            "region": reference(session, "region", region, profs) if region else None,
            "france": reference(session, "france", None, profs)}
    out = {}
    for prof in profs:
        row = here.get(prof)
        n = row.n if row else 0
        entry = {"count": n, "density": density(n, population),
                 "accepting_new_patients": row.accepting if row else 0,
                 "accepting_known": row.known if row else 0,
                 "accepting_share": round(row.accepting / n, 4) if row and n else None,
                 "population_reached_by_zones": int(reached.get(prof, 0)),
                 "share_reached_by_zones": (round(int(reached.get(prof, 0)) / population, 4)
                                            if population else None)}
        for level, ref in refs.items():
            entry[f"density_{level}"] = (density(ref["counts"].get(prof, 0), ref["population"])
                                         if ref else None)
        out[prof] = entry
    return out
