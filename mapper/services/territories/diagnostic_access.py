"""Spatial accessibility: the two-step floating catchment area index (2SFCA, Luo & Wang 2003)
with a distance decay in bands, as the national APL indicator does with travel times.

Step 1, for each practice site j of a profession: R_j = S_j / Σ_k W(d_kj) P_k over the commune
population points k within the catchment radius; S_j is headcount (a professional with n
located sites counts 1/n at each), P_k the commune's population, W the band weight.
Step 2, for each commune i: A_i = Σ_j W(d_ij) R_j over the sites within the radius, given per
10 000 inhabitants. A territory's index is the population-weighted mean of its communes'.

Distances are straight lines on the sphere (PostGIS ``geography`` with ``use_spheroid =>
false``: radius 6 371 008.8 m, within 0.5 % of the ellipsoid), from each commune's population
point (``commune.pop_point`` = ST_PointOnSurface of its outline, migration 0016b) to each site.
Supply is counted wherever it is, inside or outside the territory, and so is the demand on it
(no edge effect). Everything happens in one set-based statement in PostGIS.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

#: (upper bound in metres, weight): the APL's 1 / 2⁄3 / 1⁄3 for < 10 / 10–15 / 15–20 minutes,
#: here on straight-line distance. The last bound is the catchment radius.
BANDS: tuple[tuple[float, float], ...] = ((5_000.0, 1.0), (15_000.0, 2 / 3), (30_000.0, 1 / 3))
RADIUS_M = BANDS[-1][0]
PER = 10_000
#: How long a national computation stored by ``mapper diagnostic --national --store`` (a
#: nightly job) stands in for the live computation.
STORED_MAX_AGE_HOURS = 26


def band_weight(distance_m: float) -> float:
    """W(d): the weight of the first band whose bound is ≥ d; 0 beyond the radius."""
    return next((w for bound, w in BANDS if distance_m <= bound), 0.0)


def _weight_sql(distance: str) -> str:
    cases = " ".join(f"WHEN {distance} <= {bound!r} THEN {w!r}::float8" for bound, w in BANDS)
    return f"(CASE {cases} ELSE 0::float8 END)"


_NEAR_SITES = """
    SELECT DISTINCT s.id FROM t JOIN practice_site s
      ON s.geom IS NOT NULL AND s.profession_code = ANY(:profs)
     AND ST_DWithin(s.geom::geography, t.pt, :radius, false)
"""
#: Step 2 for a territory: its few communes, each against the sites (nested loop over ``t``).
_TO_TERRITORY = "FROM t JOIN ratio r ON ST_DWithin(t.pt, r.g, :radius, false)"
#: Step 2 for France: each site against the communes around it (their GiST index).
_TO_ALL = """FROM ratio r JOIN commune c
      ON c.pop_point IS NOT NULL AND ST_DWithin(c.pop_point::geography, r.g, :radius, false)
    JOIN t ON t.code = c.code"""
_ALL_SITES = """
    SELECT s.id FROM practice_site s
    WHERE s.geom IS NOT NULL AND s.profession_code = ANY(:profs)
"""


def _statement(sites: str, step2: str, where: str = "code = ANY(:codes) AND") -> str:
    return f"""
    WITH t AS MATERIALIZED (
        SELECT code, coalesce(population, 0) AS population, pop_point::geography AS pt
        FROM commune WHERE {where} pop_point IS NOT NULL),
    sites AS MATERIALIZED (
        SELECT s.id, s.profession_code, s.geom::geography AS g,
               1::float8 / (SELECT count(*) FROM practice_site o
                      WHERE o.professional_id = s.professional_id AND o.geom IS NOT NULL) AS supply
        FROM practice_site s WHERE s.id IN ({sites})),
    demand AS MATERIALIZED (
        SELECT s.id, min(s.supply) AS supply,
               sum({_weight_sql("x.d")} * c.population::float8) AS d
        FROM sites s JOIN commune c
          ON c.pop_point IS NOT NULL AND c.population > 0
         AND ST_DWithin(c.pop_point::geography, s.g, :radius, false)
        CROSS JOIN LATERAL (SELECT ST_Distance(c.pop_point::geography, s.g, false) AS d) x
        GROUP BY s.id),
    ratio AS MATERIALIZED (
        SELECT p.profession_code, p.geom::geography AS g, d.supply / d.d AS r
        FROM demand d JOIN practice_site p ON p.id = d.id WHERE d.d > 0)
    SELECT t.code, r.profession_code, sum({_weight_sql("x.d")} * r.r) * {PER} AS a
    {step2}
    CROSS JOIN LATERAL (SELECT ST_Distance(t.pt, r.g, false) AS d) x
    GROUP BY 1, 2
    """


def _live(session: Session, codes: list[str], profs: list[str], national: bool):
    sql = (_statement(_ALL_SITES, _TO_ALL, "") if national
           else _statement(_NEAR_SITES, _TO_TERRITORY))
    return session.execute(text(sql), {"codes": codes, "profs": profs, "radius": RADIUS_M})


def _stored(session: Session, located: list[str], profs: list[str]) -> dict[str, tuple]:
    """{profession: (computed_at, {code: value})} for the professions whose fresh stored
    computation covers every located commune asked."""
    rows = session.execute(text(
        "SELECT profession_code, commune_code, value, computed_at FROM commune_accessibility "
        "WHERE profession_code = ANY(:p) AND commune_code = ANY(:c) "
        "AND computed_at > now() - make_interval(hours => :h)"),
        {"p": profs, "c": located, "h": STORED_MAX_AGE_HOURS})
    out: dict[str, tuple] = {}
    for prof, code, value, at in rows:
        out.setdefault(prof, (at, {}))[1][code] = value
    return {p: v for p, v in out.items() if len(v[1]) == len(located)}


def accessibility(session: Session, codes: list[str], profs: list[str], *,
                  national: bool = False, sources: dict | None = None,
                  ) -> dict[str, dict[str, float]]:
    """{commune code: {profession: index per 10 000 inhabitants}} for every located commune
    of ``codes`` (0.0 where no site is within reach). A profession's fresh national
    computation (``commune_accessibility``) is read instead of computed; ``sources`` (filled
    when given): {profession: {"source": "stored"|"live", "computed_at": …}}. ``national``:
    every site of the professions for every located commune (``codes`` is not read), live."""
    located = list(session.scalars(text(
        "SELECT code FROM commune WHERE pop_point IS NOT NULL" if national else
        "SELECT code FROM commune WHERE code = ANY(:c) AND pop_point IS NOT NULL"),
        {"c": codes}))
    out: dict[str, dict[str, float]] = {c: {p: 0.0 for p in profs} for c in located}
    stored = {} if national else _stored(session, located, profs)
    for prof, (at, values) in stored.items():
        for code, value in values.items():
            out[code][prof] = value
    live = [p for p in profs if p not in stored]
    if live and located:
        for code, prof, value in _live(session, located, live, national):
            out[code][prof] = float(value)
    if sources is not None:
        sources.update({p: {"source": "stored", "computed_at": at.isoformat()}
                        for p, (at, _) in stored.items()})
        sources.update({p: {"source": "live", "computed_at": None} for p in live})
    return out


def weighted_mean(values: dict[str, float], populations: dict[str, int]) -> float | None:
    """Σ P_i A_i / Σ P_i over the communes with a value; None when they hold nobody."""
    total = sum(populations.get(c, 0) or 0 for c in values)
    if not total:
        return None
    return sum(v * (populations.get(c, 0) or 0) for c, v in values.items()) / total


def method() -> dict:
    """What the API response and the report state about the index."""
    return {
        "name": "2SFCA (Luo & Wang 2003), décroissance par paliers comme l'APL",
        "unit": "professionnels pour 10 000 habitants",
        "catchment_km": RADIUS_M / 1000,
        "bands": [{"to_km": bound / 1000, "weight": round(w, 4)} for bound, w in BANDS],
        "distance": "distance à vol d'oiseau sur la sphère (PostGIS geography, rayon moyen "
                    "6 371 008,8 m), du point de population de chaque commune "
                    "(ST_PointOnSurface de son contour) à chaque lieu d'exercice géolocalisé",
        "supply": "effectifs (têtes) : un professionnel à n lieux géolocalisés compte 1/n à "
                  "chacun",
        "demand": "population municipale INSEE de chaque commune",
        "territory": "moyenne des communes pondérée par leur population",
        "edge_effect": "l'offre et la demande au-delà des limites du territoire sont comptées",
        "stored": f"calcul national enregistré (mapper diagnostic --national --store) utilisé "
                  f"s'il a moins de {STORED_MAX_AGE_HOURS} h, sinon calcul à la demande ; "
                  "chaque profession dit lequel (accessibility_source)",
        "limits": ["distance à vol d'oiseau, pas le temps de trajet par la route",
                   "effectifs et non équivalents temps plein ; activité non prise en compte",
                   "population placée en un point par commune",
                   "seuls les lieux d'exercice géolocalisés de l'annuaire sont comptés",
                   "population sans distinction d'âge (pas de pondération des besoins)"],
    }
