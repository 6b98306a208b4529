"""Where a campaign is missing: the communes of a CPTS's territory whose population lives
farther than a chosen distance from every permanence of the campaign (« zones désertifiées »).

One PostGIS query. The population of a commune is placed at **one point**: its
``ST_PointOnSurface`` (a point guaranteed inside the commune, unlike the centroid of a
crescent-shaped commune). No finer population layer (IRIS, carroyage) is loaded, so this is the
best point available; the API response says which point it used (``population_point``).

* A commune-based territory: its communes (``cpts_commune``), their whole population.
* A drawn territory: the communes it cuts (``cpts_drawn_commune``), the population weighted by
  the share of the commune's area inside (as the overlaps do), placed at the point on surface
  of the part inside; such figures are flagged ``estimated``.

Distances are on the ellipsoid (``geography``, metres). A commune is a gap when no permanence
location of the campaign is within the distance, tested with ``ST_DWithin`` (which an index on
the locations' geography can serve; a campaign holds a few hundred locations at most, kept in a
CTE). The distance to the nearest permanence is given too, for the list. Permanences whose
place or site is not located are ignored (and counted: ``unlocated_permanences``).

Who may see it: the figures derive from public data (commune populations, the permanences'
addresses), so anyone may see the gaps of a **public** campaign; those of a private campaign
only its CPTS's coordinator, an ARS officer of its région, and admins (``require_view_gaps``).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from ...messages import N_
from ...models import Campaign, Cpts
from ...vocab import FRENCH_COLLATION

DEFAULT_DISTANCE_KM = 5.0
MIN_DISTANCE_KM = 0.5
MAX_DISTANCE_KM = 50.0
#: What the API says about the point each commune's population is placed at.
POPULATION_POINT = "ST_PointOnSurface"
_BOUNDS = ("%g" % MIN_DISTANCE_KM, "%g" % MAX_DISTANCE_KM)

_GAPS_SQL = text("""
WITH territory AS (
    SELECT c.code, c.name, c.population::float8 AS population, false AS estimated,
           ST_PointOnSurface(c.geom) AS pt
      FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
     WHERE cc.cpts_id = :cpts_id AND c.geom IS NOT NULL
    UNION ALL
    SELECT c.code, c.name, c.population * d.share, true,
           ST_PointOnSurface(ST_Intersection(c.geom, k.geom))
      FROM cpts_drawn_commune d JOIN commune c ON c.code = d.commune_code
      JOIN cpts k ON k.id = d.cpts_id
     WHERE d.cpts_id = :cpts_id AND c.geom IS NOT NULL AND k.geom IS NOT NULL
),
permanences AS (
    SELECT coalesce(pl.geom, s.geom) AS geom
      FROM permanence p
      LEFT JOIN place pl ON pl.id = p.place_id
      LEFT JOIN practice_site s ON s.id = p.site_id
     WHERE p.campaign_id = :campaign_id
),
locations AS MATERIALIZED (
    SELECT DISTINCT geom::geography AS g FROM permanences WHERE geom IS NOT NULL
),
measured AS (
    SELECT t.code, t.name, t.population, t.estimated,
           ST_Y(t.pt) AS lat, ST_X(t.pt) AS lon,
           NOT EXISTS (SELECT 1 FROM locations l
                        WHERE ST_DWithin(t.pt::geography, l.g, :distance_m)) AS gap,
           (SELECT min(ST_Distance(t.pt::geography, l.g)) FROM locations l) AS nearest_m
      FROM territory t WHERE t.pt IS NOT NULL AND NOT ST_IsEmpty(t.pt)
)
SELECT code, name, round(population)::bigint AS population, estimated, lat, lon, gap,
       nearest_m,
       (SELECT count(*) FROM locations) AS locations,
       (SELECT count(*) FROM permanences WHERE geom IS NULL) AS unlocated
  FROM measured
 ORDER BY gap DESC, population DESC NULLS LAST, name COLLATE {collation}, code
""".replace("{collation}", FRENCH_COLLATION))


@dataclass(frozen=True)
class GapCommune:
    code: str
    name: str
    population: int | None
    estimated: bool
    lat: float
    lon: float
    #: Distance from the population point to the nearest permanence (km), None without any.
    nearest_km: float | None

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "population": self.population,
                "estimated": self.estimated, "lat": self.lat, "lon": self.lon,
                "nearest_km": self.nearest_km}


@dataclass(frozen=True)
class CampaignGaps:
    campaign_id: int
    cpts_id: int
    distance_km: float
    communes: list[GapCommune]  # the gaps, most populated first
    communes_total: int
    population_total: int
    population_uncovered: int
    locations: int
    unlocated_permanences: int

    @property
    def share_uncovered(self) -> float | None:
        if not self.population_total:
            return None
        return self.population_uncovered / self.population_total

    def as_dict(self) -> dict:
        return {
            "campaign_id": self.campaign_id, "cpts_id": self.cpts_id,
            "distance_km": self.distance_km, "population_point": POPULATION_POINT,
            "communes_total": self.communes_total, "communes_uncovered": len(self.communes),
            "population_total": self.population_total,
            "population_uncovered": self.population_uncovered,
            "share_uncovered": self.share_uncovered,
            "permanence_locations": self.locations,
            "unlocated_permanences": self.unlocated_permanences,
            "communes": [c.as_dict() for c in self.communes],
        }


def check_distance(raw: str | float | None) -> float:
    """The distance in km (default 5), a number between the bounds; ValidationFailed else."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return DEFAULT_DISTANCE_KM
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        value = float("nan")
    if not MIN_DISTANCE_KM <= value <= MAX_DISTANCE_KM:  # NaN fails too
        raise ValidationFailed(N_("Distance invalide."), errors={"distance_km": [
            N_("un nombre de kilomètres entre %(min)s et %(max)s", min=_BOUNDS[0],
               max=_BOUNDS[1])]})
    return value


def campaign_gaps(session: Session, campaign: Campaign,
                  distance_km: float = DEFAULT_DISTANCE_KM) -> CampaignGaps:
    """The gap communes of ``campaign`` at ``distance_km`` (checked by ``check_distance``),
    with the territory's totals."""
    distance_km = check_distance(distance_km)
    rows = session.execute(_GAPS_SQL, {"cpts_id": campaign.cpts_id,
                                       "campaign_id": campaign.id,
                                       "distance_m": distance_km * 1000.0}).all()
    gaps = [GapCommune(r.code, r.name, r.population, r.estimated, r.lat, r.lon,
                       None if r.nearest_m is None else r.nearest_m / 1000.0)
            for r in rows if r.gap]
    return CampaignGaps(
        campaign_id=campaign.id, cpts_id=campaign.cpts_id, distance_km=distance_km,
        communes=gaps, communes_total=len(rows),
        population_total=sum(r.population or 0 for r in rows),
        population_uncovered=sum(c.population or 0 for c in gaps),
        locations=rows[0].locations if rows else 0,
        unlocated_permanences=rows[0].unlocated if rows else 0)


def get_campaign(session: Session, campaign_id: int, cpts_id: int | None = None) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id)
    if cpts_id is not None:
        query = query.where(Campaign.cpts_id == cpts_id)
    campaign = session.scalar(query)
    if campaign is None:
        raise NotFound(N_("Campagne introuvable."))
    return campaign


def get_campaign_by_slug(session: Session, cpts_id: int, slug: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.cpts_id == cpts_id,
                                                     Campaign.slug == slug))
    if campaign is None:
        raise NotFound(N_("Campagne introuvable."))
    return campaign


def can_view_gaps(session: Session, principal, campaign: Campaign) -> bool:
    if campaign.public:
        return True
    if principal is None or getattr(principal, "is_anonymous", True):
        return False
    if principal.is_admin:
        return True
    if principal.role == "coordinator":
        return principal.cpts_id == campaign.cpts_id
    if principal.role == "ars":
        return principal.can_act_in_region(session.scalar(
            select(Cpts.region).where(Cpts.id == campaign.cpts_id)))
    return False


def require_view_gaps(session: Session, principal, campaign: Campaign) -> None:
    if can_view_gaps(session, principal, campaign):
        return
    if principal is None or getattr(principal, "is_anonymous", True):
        raise Unauthorized(N_("Connectez-vous pour voir cette campagne non publique."))
    raise Forbidden("Les zones d'une campagne non publique ne sont visibles que par la "
                    "coordination de la CPTS, l'ARS de sa région et les administrateurs.")
