"""Coverage ("zones blanches"): who lives in no CPTS, which communes several CPTS claim.

A commune is covered by a commune-based CPTS that lists it, and by a drawn CPTS when at least
half of its area (measured on ``geography`` when the drawing was stored, ``cpts_drawn_commune``)
lies inside the drawing. Everything is set-based: no geometry is computed here. Rejected CPTS cover
nothing; ``status`` restricts to one status (``valide``: validated or ACI signed). A commune split
between CPTS by IRIS (``cpts_iris``) is counted at IRIS level: covered for the IRIS populations
held (at most its own population), claimed several times only where one IRIS is (a whole commune
claims all its IRIS); the report says so (``population_level``, ``iris_level_communes``). The
whole-city codes 75056, 69123
and 13055 are left out: their arrondissements are the units.
"""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...models import CITY_ARRONDISSEMENTS
from ...reference import departements_of_region
from ...vocab import FRENCH_COLLATION, VALIDATED_STATUSES
from .. import features
from ..features import Layer

#: Share of a commune's area a drawn territory must cover for the commune to count as covered.
DRAWN_COVER_SHARE = 0.5

_ROWS = """
    WITH area AS MATERIALIZED (
      SELECT code, name, population, departement, geom IS NULL AS no_outline FROM commune c
      WHERE {where} AND code <> ALL(:cities)
    ), k AS (
      SELECT id FROM cpts WHERE status <> 'rejete' {status}
    ), cov AS (
      SELECT cc.commune_code AS code, cc.cpts_id
      FROM cpts_commune cc JOIN k ON k.id = cc.cpts_id JOIN area a ON a.code = cc.commune_code
      UNION
      SELECT dc.commune_code, dc.cpts_id
      FROM cpts_drawn_commune dc JOIN k ON k.id = dc.cpts_id
      JOIN area a ON a.code = dc.commune_code
      WHERE dc.share >= :share
    ), icov AS (
      SELECT ci.commune_code AS code, ci.iris_code, ci.cpts_id
      FROM cpts_iris ci JOIN k ON k.id = ci.cpts_id JOIN area a ON a.code = ci.commune_code
    ), split AS (
      -- communes split between CPTS by IRIS: covered population = the IRIS held (INSEE)
      SELECT i.commune_code AS code,
             coalesce(sum(i.population) FILTER (WHERE n.claims > 0), 0) AS covered,
             coalesce(bool_or(n.claims > 1), false) AS multi,
             array_agg(DISTINCT ic.cpts_id) FILTER (WHERE ic.cpts_id IS NOT NULL) AS cpts
      FROM iris i
      LEFT JOIN LATERAL (SELECT count(*) AS claims FROM icov WHERE icov.iris_code = i.code) n
        ON true
      LEFT JOIN icov ic ON ic.iris_code = i.code
      WHERE i.commune_code IN (SELECT code FROM icov)
      GROUP BY i.commune_code
    )
    , per0 AS (
      SELECT a.code, a.name, coalesce(a.population, 0) AS population,
             a.population IS NULL AS no_population, a.no_outline,
             coalesce(array_agg(cov.cpts_id ORDER BY cov.cpts_id)
                      FILTER (WHERE cov.cpts_id IS NOT NULL), '{{}}') AS whole
      FROM area a LEFT JOIN cov ON cov.code = a.code
      GROUP BY a.code, a.name, a.population, a.no_outline
    )
    , per AS (
      SELECT p.code, p.name, p.population, p.no_population, p.no_outline,
             ARRAY(SELECT DISTINCT u FROM unnest(p.whole || coalesce(s.cpts, '{{}}')) u
                   ORDER BY u) AS cpts,
             s.code IS NOT NULL AS iris_level,
             CASE WHEN cardinality(p.whole) > 0 THEN p.population
                  WHEN s.code IS NOT NULL
                  THEN least(p.population, round(s.covered)::bigint)
                  ELSE 0 END AS covered,
             cardinality(p.whole) > 1 OR (cardinality(p.whole) > 0 AND s.code IS NOT NULL)
               OR coalesce(s.multi, false) AS multi
      FROM per0 p LEFT JOIN split s ON s.code = p.code
    )
"""


#: Every list of communes of a coverage report: most inhabitants first, then by name.
POPULATION_ORDER = f"population DESC, name COLLATE {FRENCH_COLLATION}, code"

_SUMMARY = """
    SELECT json_build_object(
      'departement', CAST(:departement AS text), 'region', CAST(:region AS text),
      'status', CAST(:status AS text),
      'communes_total', count(*),
      'population_total', coalesce(sum(population), 0),
      'population_covered', coalesce(sum(covered), 0),
      'population_uncovered', coalesce(sum(population - covered), 0),
      'coverage_rate', CASE WHEN sum(population) > 0 THEN round(
          coalesce(sum(covered), 0)::numeric / sum(population), 4) ELSE 0 END,
      'population_level', CASE WHEN bool_or(iris_level) THEN 'iris' ELSE 'commune' END,
      'iris_level_communes', coalesce(json_agg(json_build_object(
          'code', code, 'nom', name, 'population', population, 'population_covered', covered,
          'cpts', cpts) ORDER BY {order}) FILTER (WHERE iris_level), '[]'::json),
      'uncovered_communes', coalesce(json_agg(json_build_object(
          'code', code, 'nom', name, 'population', population) ORDER BY {order})
          FILTER (WHERE cardinality(cpts) = 0), '[]'::json),
      'multi_covered_communes', coalesce(json_agg(json_build_object(
          'code', code, 'nom', name, 'population', population, 'cpts', cpts) ORDER BY {order})
          FILTER (WHERE multi), '[]'::json),
      'missing', json_build_object(
        'communes_without_outline', coalesce(json_agg(json_build_object(
            'code', code, 'nom', name, 'population', population) ORDER BY {order})
            FILTER (WHERE no_outline), '[]'::json),
        'population_without_outline',
            coalesce(sum(population) FILTER (WHERE no_outline), 0),
        'communes_without_population', coalesce(json_agg(json_build_object(
            'code', code, 'nom', name) ORDER BY name COLLATE {collation}, code)
            FILTER (WHERE no_population), '[]'::json),
        'departements_not_loaded', (
            SELECT coalesce(json_agg(d ORDER BY d), '[]'::json)
            FROM unnest(CAST(:expected AS text[])) d
            WHERE NOT EXISTS (SELECT 1 FROM area WHERE area.departement = d))))::text
    FROM per
"""


def _communes_layer(with_sql: str) -> Layer:
    """The communes of the area, each with the CPTS covering it (``covered_by``)."""
    return Layer(source="per JOIN commune c ON c.code = per.code", id="per.code",
                 geometry="c.geom", order="per.code", with_sql=with_sql,
                 properties=(("code", "per.code"), ("nom", "per.name"),
                             ("population", "per.population"), ("covered_by", "per.cpts")))


def _rows(departement, region, status, national: bool = False,
          code: str | None = None) -> tuple[str, dict]:
    """The ``WITH`` clause of the per-commune coverage, and its parameters (the whole country
    only when ``national``; one commune with ``code``: a commune's coverage does not depend on
    the others)."""
    if not departement and not region and not national:
        raise ValidationFailed("Précisez un département ou une région.",
                               errors={"departement": ["departement ou region est requis"]})
    where = ["TRUE"]
    params = {"cities": list(CITY_ARRONDISSEMENTS), "share": DRAWN_COVER_SHARE,
              "departement": departement, "region": region, "status": status}
    if departement:
        where.append("c.departement = :departement")
    if region:
        where.append("c.region = :region")
    if code:
        where.append("c.code = :code")
        params["code"] = code
    # a signed ACI contract counts as validated: ``valide`` asks for both
    params["statuses"] = list(VALIDATED_STATUSES) if status == "valide" else [status]
    sql = _ROWS.format(where=" AND ".join(where),
                       status="AND status = ANY(:statuses)" if status else "")
    return sql, params


def coverage_json(session: Session, departement: str | None = None, region: str | None = None,
                  status: str | None = None) -> str:
    """:func:`coverage` as JSON text (what the API sends): PostgreSQL builds the document."""
    with_sql, params = _rows(departement, region, status)
    params["expected"] = [departement] if departement else departements_of_region(region)
    summary = _SUMMARY.format(order=POPULATION_ORDER, collation=FRENCH_COLLATION)
    return session.execute(text(with_sql + summary), params).scalar_one()


def coverage(session: Session, departement: str | None = None, region: str | None = None,
             status: str | None = None) -> dict:
    """``{population_total, population_covered, population_uncovered, coverage_rate,
    uncovered_communes: [{code, nom, population}], multi_covered_communes: [{…, cpts}],
    missing: {…}}``, communes most populous first. ``missing`` says what the figures cannot
    count: the communes of the area without an outline (``population_without_outline``
    inhabitants no drawn territory can cover and no map shows), those without a population
    (counted as 0), and the départements of the area with no commune loaded at all."""
    return json.loads(coverage_json(session, departement, region, status))


def coverage_geojson_text(session: Session, departement: str | None = None,
                          region: str | None = None, status: str | None = None) -> str:
    with_sql, params = _rows(departement, region, status)
    return features.collection(session, _communes_layer(with_sql), params=params)


def uncovered_layer(departement: str | None = None, region: str | None = None,
                    status: str | None = None, code: str | None = None) -> tuple[Layer, dict]:
    """The "zones blanches" as a layer: the communes no CPTS covers (of the area, of the whole
    country, or the one commune ``code``), with the parameters its ``WITH`` clause binds."""
    with_sql, params = _rows(departement, region, status, national=True, code=code)
    layer = _communes_layer(with_sql)
    return Layer(source=layer.source + " AND cardinality(per.cpts) = 0", id=layer.id,
                 geometry=layer.geometry, order=layer.order, with_sql=with_sql,
                 properties=(("code", "per.code"), ("nom", "per.name"),
                             ("population", "per.population"),
                             ("departement", "c.departement"), ("region", "c.region"))), params


def coverage_geojson(session: Session, departement: str | None = None,
                     region: str | None = None, status: str | None = None) -> dict:
    """The communes as a FeatureCollection, each with ``covered_by`` (CPTS ids)."""
    return json.loads(coverage_geojson_text(session, departement, region, status))
