"""Reading CPTS: one by id or slug, their features (GeoJSON), their current overlaps."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import NotFound
from ...models import Cpts
from ...schemas.fields import ORIGIN_RE
from ...vocab import FRENCH_COLLATION
from .. import features
from ..features import Filter, Layer, equals
from .check import conflicts_with_validated
from .overlaps import find_overlaps
from .storage import stored_territory

CPTS = Layer(
    source="cpts k", id="k.id", geometry="k.geom", order=f"k.name COLLATE {FRENCH_COLLATION}, k.id",
    properties=(("id", "k.id"), ("slug", "k.slug"), ("name", "k.name"), ("status", "k.status"),
                ("region", "k.region"), ("population", "k.population"),
                ("population_year", "k.population_year"),
                ("area_km2", "round(k.area_km2::numeric, 4)"),
                ("size_category", "k.size_category"), ("territory_kind", "k.territory_kind")))
#: One CPTS in full: its public fields and commune list as well.
CPTS_DETAIL = CPTS.adding(
    ("website", "k.website"), ("contact_email", "k.contact_email"),
    ("embed_origins", "k.embed_origins"), ("brand_color", "k.brand_color"),
    ("communes", "coalesce((SELECT json_agg(cc.commune_code ORDER BY cc.commune_code) "
                 "FROM cpts_commune cc WHERE cc.cpts_id = k.id), '[]'::json)"),
    ("iris", "coalesce((SELECT json_agg(ci.iris_code ORDER BY ci.iris_code) "
             "FROM cpts_iris ci WHERE ci.cpts_id = k.id), '[]'::json)"))


def get_cpts(session: Session, id_or_slug) -> Cpts:
    """A CPTS by id (ASCII digits) or slug; NotFound otherwise."""
    cpts = None
    key = str(id_or_slug).strip()
    if key.isascii() and key.isdecimal() and len(key) < 10:
        cpts = session.get(Cpts, int(key))
    if cpts is None:
        cpts = session.scalar(select(Cpts).where(Cpts.slug == key.lower()))
    if cpts is None:
        raise NotFound(f"CPTS inconnue : {key}.")
    return cpts


def frame_ancestors(cpts) -> list[str]:
    """Origins allowed to frame the CPTS widget: ``embed_origins``, else the origin of its
    ``website``; only well-formed ``scheme://host[:port]`` values are kept (they go into a
    header)."""
    origins = [str(o).strip().rstrip("/") for o in (cpts.embed_origins or [])]
    if not origins and cpts.website:
        parts = urlsplit(cpts.website.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            origins = [f"{parts.scheme}://{parts.netloc}"]
    return [o for o in dict.fromkeys(origins) if ORIGIN_RE.match(o)]


def current_overlaps(session: Session, cpts: Cpts, settings: Settings) -> list:
    territory = stored_territory(session, cpts)
    if territory.kind == "drawn" and not territory.geom_hex:
        return []
    return find_overlaps(session, territory, settings, self_id=cpts.id)


def cpts_feature(session: Session, cpts: Cpts, settings: Settings) -> dict:
    """The CPTS as a GeoJSON Feature, with its current overlaps in the properties."""
    feature = features.loads(features.feature(session, CPTS_DETAIL, [equals("k.id", cpts.id)]))
    overlaps = current_overlaps(session, cpts, settings)
    feature["properties"]["overlaps"] = overlaps
    feature["properties"]["conflicts_with_validated"] = conflicts_with_validated(overlaps)
    return feature


def in_departement(departement: str | None) -> Filter | None:
    """CPTS with a commune of the département; a drawn CPTS is in it when its interior meets
    one of the département's communes (touching the border does not count)."""
    if not departement:
        return None
    return Filter("""EXISTS (SELECT 1 FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
                             WHERE cc.cpts_id = k.id AND c.departement = :departement)
                     OR EXISTS (SELECT 1 FROM cpts_iris ci JOIN commune c
                                  ON c.code = ci.commune_code
                                WHERE ci.cpts_id = k.id AND c.departement = :departement)
                     OR EXISTS (SELECT 1 FROM cpts_part p JOIN commune c
                                  ON ST_Intersects(c.geom, p.geom)
                                WHERE p.cpts_id = k.id AND c.departement = :departement
                                  AND NOT ST_Touches(c.geom, p.geom))""",
                  {"departement": departement})


def cpts_geojson(session: Session, region: str | None = None, departement: str | None = None,
                 status: str | None = None) -> str:
    """FeatureCollection of CPTS (properties id, slug, name, status, region, population,
    area_km2, size_category…) as JSON text, filtered, by name."""
    return features.collection(session, CPTS, [equals("k.region", region),
                                                equals("k.status", status),
                                                in_departement(departement)])


def cpts_table(session: Session, region: str | None = None) -> list[dict]:
    """Every CPTS (of ``region``): id, name, slug, status, région, population, in French order
    of names (``mapper cpts list``)."""
    rows = session.execute(text(f"""
        SELECT id, name, slug, status, region, population FROM cpts
        WHERE CAST(:region AS text) IS NULL OR region = :region
        ORDER BY name COLLATE {FRENCH_COLLATION}, id"""), {"region": region})
    return [dict(r._mapping) for r in rows]
