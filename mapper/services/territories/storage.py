"""Storing a CPTS's territory and keeping what is derived from it consistent.

Two validated CPTS must never overlap, even when two ARS agents validate overlapping projects at
the same moment. Two mechanisms, both in the database:

1. Every write that can make a territory validated (a decision, an edit of a validated territory,
   an arbitration) first takes one transaction-level advisory lock (``lock_territories``), then
   checks overlaps against validated CPTS. Under READ COMMITTED each statement sees what the
   previous lock holder committed, so the second of two racing validations sees the first one
   and is refused. This covers drawn territories, which have no membership rows.
2. For commune-based territories the database itself forbids the result:
   ``cpts_validated_commune`` holds one row per (validated CPTS, commune) under an exclusion
   constraint (see models/cpts.py) that only lets an ARS arbitration share a commune. Even a
   code path that forgot the lock cannot commit two validated CPTS on one commune
   (``sync_validated``).

Cached measures (population, area, size category) follow the communes they are made of
(``refresh_measures``, called when populations or outlines are re-imported).
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ...errors import Conflict
from ...models import (Cpts, CptsCommune, CptsDrawnCommune, CptsIris, CptsPart,
                       CptsValidatedCommune)
from ...models.cpts import ARBITRATED_KEY
from ...vocab import size_category_sql
from .overlaps import SUBDIVIDE_VERTICES, drawn_cut
from .territory import Territory

log = logging.getLogger(__name__)

#: pg_advisory_xact_lock key serialising territory validations ("CPTS" in ASCII).
TERRITORY_LOCK = 0x43505453


def lock_territories(session: Session) -> None:
    """Serialise territory writes until the end of the transaction (see the module doc)."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": TERRITORY_LOCK})


def member_codes(session: Session, cpts_id: int) -> list[str]:
    return list(session.scalars(select(CptsCommune.commune_code)
                                .where(CptsCommune.cpts_id == cpts_id)
                                .order_by(CptsCommune.commune_code)))


def member_iris(session: Session, cpts_id: int) -> list[str]:
    return list(session.scalars(select(CptsIris.iris_code).where(CptsIris.cpts_id == cpts_id)
                                .order_by(CptsIris.iris_code)))


def stored_territory(session: Session, cpts: Cpts) -> Territory:
    """The CPTS's current territory, as the overlap engine needs it."""
    if cpts.territory_kind == "communes":
        return Territory("communes", codes=member_codes(session, cpts.id),
                         iris=member_iris(session, cpts.id),
                         area_km2=cpts.area_km2 or 0.0, population=cpts.population or 0,
                         population_year=cpts.population_year, region=cpts.region)
    geom_hex = session.execute(text("SELECT encode(ST_AsEWKB(geom), 'hex') FROM cpts "
                                    "WHERE id = :id"), {"id": cpts.id}).scalar()
    territory = Territory("drawn", geom_hex=geom_hex, area_km2=cpts.area_km2 or 0.0,
                          population=cpts.population or 0,
                          population_year=cpts.population_year, region=cpts.region)
    territory.cut = drawn_cut(session, cpts.id)  # measured when it was stored
    return territory


def store_territory(session: Session, cpts: Cpts, territory: Territory) -> None:
    """Replace the CPTS's territory: member rows or drawn parts, geometry, cached measures."""
    cpts.territory_kind = territory.kind
    cpts.population = territory.population
    cpts.population_year = territory.population_year
    cpts.area_km2 = territory.area_km2
    cpts.size_category = territory.size_category
    cpts.region = territory.region
    session.flush()
    session.execute(delete(CptsCommune).where(CptsCommune.cpts_id == cpts.id))
    session.execute(delete(CptsPart).where(CptsPart.cpts_id == cpts.id))
    session.execute(delete(CptsDrawnCommune).where(CptsDrawnCommune.cpts_id == cpts.id))
    session.execute(delete(CptsIris).where(CptsIris.cpts_id == cpts.id))
    params = {"id": cpts.id}
    if territory.kind == "communes":
        session.execute(text("INSERT INTO cpts_commune (cpts_id, commune_code) "
                             "SELECT :id, unnest(CAST(:codes AS varchar[]))"),
                        {**params, "codes": territory.codes})
        session.execute(text("INSERT INTO cpts_iris (cpts_id, iris_code, commune_code) "
                             "SELECT :id, code, commune_code FROM iris WHERE code = ANY(:iris)"),
                        {**params, "iris": territory.iris})
        session.execute(text(f"UPDATE cpts SET updated_at = now(), "
                             f"geom = {COMMUNES_AND_IRIS.format(id=':id')} "
                             "WHERE id = :id"), params)
    else:
        session.execute(text("UPDATE cpts SET updated_at = now(), "
                             "geom = ST_GeomFromEWKB(decode(:g, 'hex')) WHERE id = :id"),
                        {**params, "g": territory.geom_hex})
        session.execute(text("""
            INSERT INTO cpts_part (cpts_id, geom)
            SELECT :id, ST_Subdivide(geom, :v) FROM cpts WHERE id = :id"""),
                        {**params, "v": SUBDIVIDE_VERTICES})
        if territory.cut:
            session.execute(text("""
                INSERT INTO cpts_drawn_commune (cpts_id, commune_code, inside_km2, share)
                SELECT :id, unnest(CAST(:codes AS varchar[])), unnest(CAST(:inside AS float8[])),
                       unnest(CAST(:share AS float8[]))"""),
                            {**params, "codes": list(territory.cut),
                             "inside": [v[0] for v in territory.cut.values()],
                             "share": [v[2] for v in territory.cut.values()]})
    session.expire(cpts, ["geom", "updated_at"])


def sync_validated(session: Session, cpts_id: int) -> None:
    """Rebuild the CPTS's rows of ``cpts_validated_commune``; the exclusion constraint turns a
    forbidden overlap into a 409 (in a savepoint, so the caller's transaction stays usable)."""
    try:
        with session.begin_nested():
            session.execute(delete(CptsValidatedCommune)
                            .where(CptsValidatedCommune.cpts_id == cpts_id))
            session.execute(text("""
                INSERT INTO cpts_validated_commune (cpts_id, commune_code, share_key)
                SELECT cc.cpts_id, cc.commune_code,
                       CASE WHEN EXISTS (
                         SELECT 1 FROM arbitration a
                         JOIN arbitration_cpts ac ON ac.arbitration_id = a.id
                         WHERE a.commune_code = cc.commune_code AND ac.cpts_id = cc.cpts_id)
                       THEN :arbitrated ELSE 'cpts:' || cc.cpts_id END
                FROM cpts_commune cc JOIN cpts k ON k.id = cc.cpts_id
                WHERE cc.cpts_id = :id AND k.status IN ('valide', 'aci_signe')  -- VALIDATED_STATUSES
            """), {"id": cpts_id, "arbitrated": ARBITRATED_KEY})
    except (IntegrityError, OperationalError) as exc:
        # 23P01: the exclusion constraint refused; 40P01: two writers deadlocked on it (only
        # possible for a path without the advisory lock) — either way the write is refused.
        if getattr(exc.orig, "sqlstate", None) not in ("23P01", "40P01"):
            raise
        raise validated_conflict(exc) from None


def validated_conflict(exc: IntegrityError) -> Conflict:
    log.info("validated-membership guard refused a write: %s", exc.orig)
    return Conflict("Une CPTS validée couvre déjà une de ces communes (refusé par la base).",
                    errors={"communes": ["commune déjà couverte par une CPTS validée"]},
                    slug="overlaps-validated-cpts")


#: The outline of a commune-based territory: its whole communes and its IRIS (``k.id`` or
#: ``:id``).
COMMUNES_AND_IRIS = """(
    SELECT ST_Multi(ST_CollectionExtract(ST_Union(u.geom), 3)) FROM (
      SELECT c.geom FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
      WHERE cc.cpts_id = {id}
      UNION ALL
      SELECT i.geom FROM cpts_iris ci JOIN iris i ON i.code = ci.iris_code
      WHERE ci.cpts_id = {id}) u)"""

_REFRESH = text(f"""
    WITH touched AS (
      SELECT DISTINCT cpts_id FROM cpts_commune WHERE commune_code = ANY(:codes)
      UNION SELECT DISTINCT cpts_id FROM cpts_iris WHERE commune_code = ANY(:codes)
      UNION SELECT DISTINCT cpts_id FROM cpts_drawn_commune WHERE commune_code = ANY(:codes)),
    parts AS (
      SELECT cc.cpts_id, sum(coalesce(c.population, 0))::bigint AS pop,
             max(c.population_year) AS yr, sum(c.area_km2) AS area
      FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
      WHERE cc.cpts_id IN (SELECT cpts_id FROM touched) GROUP BY cc.cpts_id
      UNION ALL
      -- drawn territories: area-weighted population over the communes they cut (the shares
      -- measured when the drawing was stored); their area does not depend on the communes.
      SELECT d.cpts_id, round(sum(coalesce(c.population, 0) * d.share))::bigint,
             max(c.population_year), NULL
      FROM cpts_drawn_commune d JOIN commune c ON c.code = d.commune_code
      WHERE d.cpts_id IN (SELECT cpts_id FROM touched) GROUP BY d.cpts_id
      UNION ALL
      -- IRIS held in split communes: their own populations and areas
      SELECT ci.cpts_id, round(sum(coalesce(i.population, 0)))::bigint,
             max(i.population_year), sum(i.area_km2)
      FROM cpts_iris ci JOIN iris i ON i.code = ci.iris_code
      WHERE ci.cpts_id IN (SELECT cpts_id FROM touched) GROUP BY ci.cpts_id),
    m AS (
      SELECT cpts_id, sum(pop)::bigint AS pop, max(yr) AS yr, sum(area) AS area
      FROM parts GROUP BY cpts_id)
    UPDATE cpts k SET population = m.pop, population_year = m.yr,
           area_km2 = coalesce(m.area, k.area_km2),
           size_category = {size_category_sql("m.pop")}
    FROM m WHERE m.cpts_id = k.id
      AND (k.population, k.population_year, k.area_km2)
          IS DISTINCT FROM (m.pop, m.yr, coalesce(m.area, k.area_km2))
    RETURNING k.id
""")

_REFRESH_GEOMETRY = text(f"""
    UPDATE cpts k SET geom = {COMMUNES_AND_IRIS.format(id="k.id")}, updated_at = now()
    WHERE k.territory_kind = 'communes'
      AND k.id IN (SELECT cpts_id FROM cpts_commune WHERE commune_code = ANY(:codes)
                   UNION SELECT cpts_id FROM cpts_iris WHERE commune_code = ANY(:codes))
""")


def refresh_measures(session: Session, codes: list[str], *, geometry: bool = False) -> int:
    """Recompute the cached population, vintage, area and size category of every CPTS that
    holds (or cuts) one of these communes, after their populations or outlines were
    re-imported; with ``geometry``, also the outline of commune-based territories.
    Returns how many CPTS changed."""
    if not codes:
        return 0
    if geometry:
        session.execute(_REFRESH_GEOMETRY, {"codes": list(codes)})
    return len(session.execute(_REFRESH, {"codes": list(codes)}).all())
