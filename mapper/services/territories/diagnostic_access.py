"""Spatial accessibility: the two-step floating catchment area index (2SFCA, Luo & Wang 2003)
with a distance decay in bands, as the national APL indicator does with travel times.

Step 1, for each practice site j of a profession: R_j = S_j / Σ_k W(d_kj) P_k over the commune
population points k within the catchment radius; S_j is headcount (a professional with n
located sites counts 1/n at each), P_k the commune's population, W the band weight.
Step 2, for each commune i: A_i = Σ_j W(d_ij) R_j over the sites within the radius, given per
10 000 inhabitants. A territory's index is the population-weighted mean of its communes'.

Distances are straight lines on the sphere of PostGIS's ``geography`` with ``use_spheroid =>
false`` (radius 6 371 008.8 m, within 0.5 % of the ellipsoid), from each commune's population
point (``commune.pop_point`` = ST_PointOnSurface of its outline, migration 0016b) to each site.
Supply is counted wherever it is, inside or outside the territory, and so is the demand on it
(no edge effect).

Set-based in two parts: PostGIS selects, with its geography indexes, the sites within reach of
the territory and the populated communes within reach of those (one statement each); the pairs
are then weighed in blocks of numpy arrays (``mapper.geo.catchment``: a band is a comparison of
unit vectors' dot product, exact on the sphere). For France's médecins at a million
professionals that is ~66 million pairs, twice: minutes row by row in SQL, seconds in blocks.
"""
from __future__ import annotations

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from ...geo import catchment

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


_BANDS = catchment.Bands(BANDS)


#: Located sites of the professions (within reach of the territory's communes, or all), as
#: arrays per profession, with their supply: a professional with n located sites counts 1/n at
#: each (a site's profession is its professional's, so over all of a profession's sites a
#: window counts them; near a territory, some may lie out of reach: each is counted).
_SITES = """
    SELECT profession_code, array_agg(supply), array_agg(lon), array_agg(lat) FROM (
        SELECT s.profession_code, {supply} AS supply, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
        FROM practice_site s WHERE s.geom IS NOT NULL AND s.profession_code = ANY(:profs) {near}
    ) x GROUP BY 1
"""
_SUPPLY_ALL = "1::float8 / count(*) OVER (PARTITION BY s.professional_id)"
_SUPPLY_NEAR = """1::float8 / (SELECT count(*) FROM practice_site o
                        WHERE o.professional_id = s.professional_id AND o.geom IS NOT NULL)"""
#: The territory's population points as one geography: one index probe for the whole territory
#: (its box widened by the distance), then the exact distance to the nearest of them.
_TERRITORY = """(SELECT ST_Collect(pop_point)::geography FROM commune
    WHERE code = ANY(:codes) AND pop_point IS NOT NULL)"""
_NEAR = f"AND ST_DWithin(s.geom::geography, {_TERRITORY}, :radius, false)"
#: Populated communes: within twice the radius of the territory's (every commune within the
#: radius of a site within the radius of the territory is), or all of them.
_DEMAND = """
    SELECT coalesce(array_agg(c.population::float8), '{{}}'),
           coalesce(array_agg(ST_X(c.pop_point)), '{{}}'),
           coalesce(array_agg(ST_Y(c.pop_point)), '{{}}')
    FROM commune c WHERE c.pop_point IS NOT NULL AND c.population > 0 {near}
"""
_DEMAND_NEAR = f"AND ST_DWithin(c.pop_point::geography, {_TERRITORY}, 2 * :radius, false)"


def _points(lon, lat) -> catchment.Points:
    return catchment.Points(lon, lat, RADIUS_M)


def _live(session: Session, located: list[tuple[str, float, float]], profs: list[str],
          national: bool) -> dict[str, np.ndarray]:
    """{profession: A per commune of ``located`` (code, lon, lat), in its order}: the sites
    and the populated communes are read with PostGIS's indexes, the pairs weighed with numpy
    (``mapper.geo.catchment``)."""
    params = {"codes": [c for c, _, _ in located], "profs": profs, "radius": RADIUS_M}
    population, lon, lat = session.execute(text(_DEMAND.format(
        near="" if national else _DEMAND_NEAR)), params).one()
    demand = _points(lon, lat)
    targets = _points([x for _, x, _ in located], [y for _, _, y in located])
    out = {p: np.zeros(len(located)) for p in profs}
    for prof, supply, lon, lat in session.execute(text(_SITES.format(
            supply=_SUPPLY_ALL if national else _SUPPLY_NEAR,
            near="" if national else _NEAR)), params):
        out[prof] = catchment.two_step(demand, np.asarray(population), _points(lon, lat),
                                       np.asarray(supply), targets, _BANDS) * PER
    return out


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
    located = session.execute(text(
        "SELECT code, ST_X(pop_point), ST_Y(pop_point) FROM commune WHERE pop_point IS NOT NULL"
        + ("" if national else " AND code = ANY(:c)")), {"c": codes}).all()
    out: dict[str, dict[str, float]] = {c: dict.fromkeys(profs, 0.0) for c, _, _ in located}
    stored = {} if national else _stored(session, list(out), profs)
    for prof, (at, values) in stored.items():
        for code, value in values.items():
            out[code][prof] = value
    live = [p for p in profs if p not in stored]
    if live and located:
        for prof, values in _live(session, located, live, national).items():
            for (code, _, _), value in zip(located, values.tolist()):
                out[code][prof] = value
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
        "distance": "distance à vol d'oiseau sur la sphère (celle de PostGIS geography, rayon "
                    "moyen 6 371 008,8 m), du point de population de chaque commune "
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
