"""CPTS lifecycle: create, edit, ARS decisions, arbitrations — and the no-overlap guarantee.

Two validated CPTS must never overlap, even when two ARS agents validate overlapping projects at
the same moment. Two mechanisms, both in the database:

1. Every write that can make a territory validated (a decision, an edit of a validated territory,
   an arbitration) first takes one transaction-level advisory lock (``TERRITORY_LOCK``), then
   checks overlaps against validated CPTS. Under READ COMMITTED each statement sees what the
   previous lock holder committed, so the second of two racing validations sees the first one
   and is refused. This covers drawn territories, which have no membership rows.
2. For commune-based territories the database itself forbids the result:
   ``cpts_validated_commune`` holds one row per (validated CPTS, commune) under an exclusion
   constraint (see models/cpts.py) that only lets an ARS arbitration share a commune. Even a
   code path that forgot the lock cannot commit two validated CPTS on one commune.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import urlsplit

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..models import (Arbitration, ArbitrationCpts, Commune, Cpts, CptsCommune,
                      CptsDrawnCommune, CptsPart, CptsValidatedCommune)
from ..models.cpts import ARBITRATED_KEY
from . import audit
from .overlaps import SUBDIVIDE_VERTICES, drawn_cut, find_overlaps
from .territories import Territory, build_territory, conflicts_with_validated

log = logging.getLogger(__name__)

#: pg_advisory_xact_lock key serialising territory validations ("CPTS" in ASCII).
TERRITORY_LOCK = 0x43505453
CREATABLE_STATUSES = ("intention", "projet")
DECISIONS = ("valide", "rejete")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


def lock_territories(session: Session) -> None:
    """Serialise territory writes until the end of the transaction (see the module doc)."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": TERRITORY_LOCK})


# -- reading ---------------------------------------------------------------------------------

def get_cpts(session: Session, id_or_slug) -> Cpts:
    """A CPTS by id (int or digits) or slug; NotFound otherwise."""
    cpts = None
    key = str(id_or_slug).strip()
    if key.isdigit() and len(key) < 10:
        cpts = session.get(Cpts, int(key))
    if cpts is None:
        cpts = session.scalar(select(Cpts).where(Cpts.slug == key.lower()))
    if cpts is None:
        raise NotFound(f"CPTS inconnue : {key}.")
    return cpts


def member_codes(session: Session, cpts_id: int) -> list[str]:
    return list(session.scalars(select(CptsCommune.commune_code)
                                .where(CptsCommune.cpts_id == cpts_id)
                                .order_by(CptsCommune.commune_code)))


def stored_territory(session: Session, cpts: Cpts, settings: Settings) -> Territory:
    """The CPTS's current territory, as the overlap engine needs it."""
    if cpts.territory_kind == "communes":
        return Territory("communes", codes=member_codes(session, cpts.id),
                         area_km2=cpts.area_km2 or 0.0, population=cpts.population or 0,
                         population_year=cpts.population_year, region=cpts.region)
    geom_hex = session.execute(text("SELECT encode(ST_AsEWKB(geom), 'hex') FROM cpts "
                                    "WHERE id = :id"), {"id": cpts.id}).scalar()
    territory = Territory("drawn", geom_hex=geom_hex, area_km2=cpts.area_km2 or 0.0,
                          population=cpts.population or 0,
                          population_year=cpts.population_year, region=cpts.region)
    territory.cut = drawn_cut(session, cpts.id)  # measured when it was stored
    return territory


def current_overlaps(session: Session, cpts: Cpts, settings: Settings | None = None) -> list:
    settings = settings or Settings()
    territory = stored_territory(session, cpts, settings)
    if territory.kind == "drawn" and not territory.geom_hex:
        return []
    return find_overlaps(session, territory, settings, self_id=cpts.id)


_FEATURE = text("""
    SELECT json_build_object(
      'type', 'Feature', 'id', k.id,
      'geometry', ST_AsGeoJSON(k.geom, 6)::json,
      'properties', json_build_object(
        'id', k.id, 'slug', k.slug, 'name', k.name, 'status', k.status, 'region', k.region,
        'population', k.population, 'population_year', k.population_year,
        'area_km2', round(k.area_km2::numeric, 4), 'size_category', k.size_category,
        'territory_kind', k.territory_kind, 'website', k.website,
        'contact_email', k.contact_email, 'embed_origins', k.embed_origins,
        'communes', coalesce((SELECT json_agg(cc.commune_code ORDER BY cc.commune_code)
                              FROM cpts_commune cc WHERE cc.cpts_id = k.id), '[]'::json)))
    FROM cpts k WHERE k.id = :id
""")


def cpts_feature(session: Session, cpts: Cpts, settings: Settings | None = None) -> dict:
    """The CPTS as a GeoJSON Feature, with its current overlaps in the properties."""
    feature = session.execute(_FEATURE, {"id": cpts.id}).scalar_one()
    overlaps = current_overlaps(session, cpts, settings)
    feature["properties"]["overlaps"] = overlaps
    feature["properties"]["conflicts_with_validated"] = conflicts_with_validated(overlaps)
    return feature


def list_cpts_features(session: Session, region: str | None = None,
                       departement: str | None = None, status: str | None = None) -> dict:
    """FeatureCollection of CPTS (properties id, slug, name, status, region, population,
    area_km2, size_category…), filtered. A drawn CPTS is in a département when its interior
    meets one of the département's communes (touching the border does not count)."""
    where, params = ["TRUE"], {}
    if region:
        where.append("k.region = :region")
        params["region"] = region
    if status:
        where.append("k.status = :status")
        params["status"] = status
    if departement:
        where.append("""(EXISTS (SELECT 1 FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
                                 WHERE cc.cpts_id = k.id AND c.departement = :departement)
                         OR EXISTS (SELECT 1 FROM cpts_part p JOIN commune c
                                      ON ST_Intersects(c.geom, p.geom)
                                    WHERE p.cpts_id = k.id AND c.departement = :departement
                                      AND NOT ST_Touches(c.geom, p.geom)))""")
        params["departement"] = departement
    sql = f"""
      SELECT json_build_object('type', 'FeatureCollection', 'features',
        coalesce(json_agg(json_build_object(
          'type', 'Feature', 'id', k.id, 'geometry', ST_AsGeoJSON(k.geom, 6)::json,
          'properties', json_build_object(
            'id', k.id, 'slug', k.slug, 'name', k.name, 'status', k.status,
            'region', k.region, 'population', k.population,
            'population_year', k.population_year,
            'area_km2', round(k.area_km2::numeric, 4), 'size_category', k.size_category,
            'territory_kind', k.territory_kind)) ORDER BY k.name), '[]'::json))
      FROM cpts k WHERE {' AND '.join(where)}
    """
    return session.execute(text(sql), params).scalar_one()


# -- validation of plain fields --------------------------------------------------------------

def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:180] or "cpts"


def _clean_name(name) -> str:
    name = re.sub(r"\s+", " ", str(name or "")).strip()
    if not name:
        raise ValidationFailed("Le nom est requis.", errors={"name": ["nom requis"]})
    if len(name) > 200:
        raise ValidationFailed("Nom trop long.", errors={"name": ["200 caractères au plus"]})
    return name


def _check_name_free(session: Session, name: str, self_id: int | None = None) -> None:
    other = session.execute(text(
        "SELECT id FROM cpts WHERE unaccent_lower(name) = unaccent_lower(:n) "
        "AND id IS DISTINCT FROM CAST(:self AS integer)"), {"n": name, "self": self_id}).scalar()
    if other is not None:
        raise Conflict(f"Une CPTS porte déjà ce nom : {name}.",
                       errors={"name": ["déjà utilisé (sans tenir compte de la casse et des "
                                        "accents)"]}, extra={"existing_cpts": other})


def unique_slug(session: Session, name: str, self_id: int | None = None) -> str:
    base = slugify(name)
    taken = set(session.scalars(select(Cpts.slug).where(
        Cpts.slug.like(base + "%"), Cpts.id.is_distinct_from(self_id))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_fields(data: dict) -> dict:
    """website, contact_email, embed_origins: None clears; bad values → 422 on the field."""
    out = {}
    if "website" in data:
        url = (data["website"] or "").strip() or None
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
                raise ValidationFailed("Adresse du site invalide.",
                                       errors={"website": ["URL http(s) attendue"]})
        out["website"] = url
    if "contact_email" in data:
        email = (data["contact_email"] or "").strip() or None
        if email and (not EMAIL_RE.match(email) or len(email) > 320):
            raise ValidationFailed("Adresse e-mail invalide.",
                                   errors={"contact_email": ["adresse e-mail invalide"]})
        out["contact_email"] = email
    if "embed_origins" in data:
        origins = []
        for origin in data["embed_origins"] or []:
            origin = str(origin).strip().rstrip("/")
            if not ORIGIN_RE.match(origin):
                raise ValidationFailed(
                    "Origine invalide.", errors={"embed_origins": [
                        f"origine invalide : {origin!r} (attendu : https://hote[:port])"]})
            if origin not in origins:
                origins.append(origin)
        out["embed_origins"] = origins
    return out


def _territory_field(territory: Territory) -> str:
    return "communes" if territory.kind == "communes" else "geometry"


def _refuse_validated_overlap(territory: Territory, overlaps: list[dict], what: str) -> None:
    if conflicts_with_validated(overlaps):
        names = ", ".join(o["cpts"]["name"] for o in overlaps
                          if o["cpts"]["status"] == "valide" and not o["arbitrated"])
        raise Conflict(f"{what} chevauche une CPTS validée : {names}.",
                       errors={_territory_field(territory): [
                           f"chevauche une CPTS validée : {names}"]},
                       extra={"overlaps": overlaps, "conflicts_with_validated": True},
                       slug="overlaps-validated-cpts")


def _snapshot(cpts: Cpts, codes: list[str] | None = None) -> dict:
    snap = {"name": cpts.name, "slug": cpts.slug, "status": cpts.status, "region": cpts.region,
            "website": cpts.website, "contact_email": cpts.contact_email,
            "embed_origins": list(cpts.embed_origins or []),
            "territory_kind": cpts.territory_kind, "population": cpts.population,
            "area_km2": cpts.area_km2, "size_category": cpts.size_category}
    if codes is not None:
        snap["communes"] = codes
    return snap


# -- storing a territory ---------------------------------------------------------------------

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
    params = {"id": cpts.id}
    if territory.kind == "communes":
        session.execute(text("INSERT INTO cpts_commune (cpts_id, commune_code) "
                             "SELECT :id, unnest(CAST(:codes AS varchar[]))"),
                        {**params, "codes": territory.codes})
        session.execute(text("""
            UPDATE cpts SET updated_at = now(), geom = (
              SELECT ST_Multi(ST_CollectionExtract(ST_Union(c.geom), 3))
              FROM commune c WHERE c.code = ANY(:codes))
            WHERE id = :id"""), {**params, "codes": territory.codes})
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
                WHERE cc.cpts_id = :id AND k.status = 'valide'
            """), {"id": cpts_id, "arbitrated": ARBITRATED_KEY})
    except (IntegrityError, OperationalError) as exc:
        # 23P01: the exclusion constraint refused; 40P01: two writers deadlocked on it (only
        # possible for a path without the advisory lock) — either way the write is refused.
        if getattr(exc.orig, "sqlstate", None) not in ("23P01", "40P01"):
            raise
        raise _validated_conflict(exc) from None


def _validated_conflict(exc: IntegrityError) -> Conflict:
    log.info("validated-membership guard refused a write: %s", exc.orig)
    return Conflict("Une CPTS validée couvre déjà une de ces communes (refusé par la base).",
                    errors={"communes": ["commune déjà couverte par une CPTS validée"]},
                    slug="overlaps-validated-cpts")


# -- lifecycle -------------------------------------------------------------------------------

def _require_region_scope(principal, region: str | None) -> None:
    if principal.role == "ars" and region not in principal.regions:
        raise Forbidden("Ce territoire est hors des régions de votre compte ARS.")


def create_cpts(session: Session, principal, *, name, communes=None, geometry=None,
                repair: bool = False, status: str = "projet", website=None, contact_email=None,
                embed_origins=None, settings: Settings) -> Cpts:
    """A new CPTS (intention or projet). Overlap with projects is allowed and reported;
    overlap with a validated CPTS is refused (409 carrying the overlap report)."""
    if principal.role not in ("admin", "ars", "coordinator"):
        raise Forbidden("Votre rôle ne permet pas de créer une CPTS.")
    name = _clean_name(name)
    status = status or "projet"
    if status not in CREATABLE_STATUSES:
        raise ValidationFailed("Statut invalide à la création.", errors={"status": [
            "intention ou projet ; la validation passe par une décision de l'ARS"]})
    fields = _clean_fields({"website": website, "contact_email": contact_email,
                            "embed_origins": embed_origins})
    territory = build_territory(session, communes=communes, geometry=geometry, repair=repair,
                                settings=settings)
    _require_region_scope(principal, territory.region)
    _check_name_free(session, name)
    lock_territories(session)
    overlaps = find_overlaps(session, territory, settings)
    _refuse_validated_overlap(territory, overlaps, "Ce territoire")
    cpts = Cpts(name=name, slug=unique_slug(session, name), status=status, **fields)
    try:
        with session.begin_nested():
            session.add(cpts)
            session.flush()
    except IntegrityError:
        raise Conflict(f"Une CPTS porte déjà ce nom : {name}.",
                       errors={"name": ["déjà utilisé"]}) from None
    store_territory(session, cpts, territory)
    audit.record(session, principal, "cpts.create", "cpts", cpts.id,
                 after=_snapshot(cpts, territory.codes or None))
    return cpts


def update_cpts(session: Session, principal, cpts: Cpts, data: dict, *,
                settings: Settings) -> Cpts:
    """PATCH: plain fields and/or the territory, under the same rules as creation."""
    if not principal.can_manage_cpts(cpts.id, cpts.region):
        raise Forbidden("Vous ne gérez pas cette CPTS.")
    before = _snapshot(cpts, member_codes(session, cpts.id))
    if "name" in data:
        name = _clean_name(data["name"])
        if name != cpts.name:
            _check_name_free(session, name, cpts.id)
            cpts.name = name
            cpts.slug = unique_slug(session, name, cpts.id)
    if "status" in data and data["status"] != cpts.status:
        if data["status"] not in CREATABLE_STATUSES or cpts.status not in CREATABLE_STATUSES:
            raise ValidationFailed("Changement de statut impossible ici.", errors={"status": [
                "seul le passage intention ↔ projet se fait ici ; valider ou rejeter passe par "
                "POST /api/v1/cpts/<id>/decision"]})
        cpts.status = data["status"]
    for key, value in _clean_fields(data).items():
        setattr(cpts, key, value)
    if "communes" in data or "geometry" in data:
        if principal.role == "coordinator" and cpts.status == "valide":
            raise Forbidden("Le territoire d'une CPTS validée ne peut être modifié que par "
                            "l'ARS.")
        territory = build_territory(session, communes=data.get("communes"),
                                    geometry=data.get("geometry"),
                                    repair=bool(data.get("repair")), settings=settings)
        if principal.role == "ars":
            _require_region_scope(principal, territory.region)
        lock_territories(session)
        overlaps = find_overlaps(session, territory, settings, self_id=cpts.id)
        _refuse_validated_overlap(territory, overlaps, "Ce territoire")
        store_territory(session, cpts, territory)
        sync_validated(session, cpts.id)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict("Une CPTS porte déjà ce nom.", errors={"name": ["déjà utilisé"]}) from None
    cpts.updated_at = session.execute(text("SELECT now()")).scalar_one()
    audit.record(session, principal, "cpts.update", "cpts", cpts.id, before=before,
                 after=_snapshot(cpts, member_codes(session, cpts.id)))
    return cpts


def decide(session: Session, principal, cpts: Cpts, decision: str, reason: str, *,
           settings: Settings) -> Cpts:
    """ARS decision: ``valide`` (refused with 409 when it would overlap a validated CPTS) or
    ``rejete``. Safe under concurrency (module doc); audited with its reason."""
    if not principal.can_act_in_region(cpts.region):
        raise Forbidden("Seuls l'ARS de la région et les administrateurs décident.")
    if decision not in DECISIONS:
        raise ValidationFailed("Décision invalide.",
                               errors={"decision": ["valide ou rejete"]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Le motif est requis.", errors={"reason": ["motif requis"]})
    lock_territories(session)
    # Re-read under the lock: another decision may have committed meanwhile.
    cpts = session.execute(select(Cpts).where(Cpts.id == cpts.id).with_for_update()
                           .execution_options(populate_existing=True)).scalar_one()
    if cpts.status == decision:
        raise Conflict(f"La CPTS est déjà au statut « {decision} ».",
                       errors={"decision": ["statut déjà en vigueur"]})
    before = {"status": cpts.status}
    if decision == "valide":
        overlaps = current_overlaps(session, cpts, settings)
        territory = Territory(cpts.territory_kind)
        _refuse_validated_overlap(territory, overlaps, "Cette CPTS")
    cpts.status = decision
    session.flush()
    sync_validated(session, cpts.id)
    audit.record(session, principal, "cpts.decision", "cpts", cpts.id, before=before,
                 after={"status": decision}, reason=reason)
    return cpts


# -- arbitrations ----------------------------------------------------------------------------

def record_arbitration(session: Session, principal, *, commune: str, cpts_ids, reason: str
                       ) -> dict:
    """Let several CPTS share one commune (e.g. "partage par quartiers"). Replaces any earlier
    arbitration of that commune. The shared commune then no longer blocks validation."""
    code = str(commune or "").strip().upper()
    row = session.get(Commune, code) if code else None
    if row is None:
        raise ValidationFailed(f"Commune inconnue : {code}.",
                               errors={"commune": [f"code inconnu : {code}"]})
    if not principal.can_act_in_region(row.region):
        raise Forbidden("Cette commune est hors des régions de votre compte ARS.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Le motif est requis.", errors={"reason": ["motif requis"]})
    ids = sorted(set(int(i) for i in cpts_ids or []))
    if len(ids) < 2:
        raise ValidationFailed("Une arbitration concerne au moins deux CPTS.",
                               errors={"cpts": ["au moins deux CPTS distinctes"]})
    known = set(session.scalars(select(Cpts.id).where(Cpts.id.in_(ids))))
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationFailed("CPTS inconnues.", errors={"cpts": [f"inconnues : {unknown}"]})
    members = set(session.scalars(select(CptsCommune.cpts_id).where(
        CptsCommune.commune_code == code, CptsCommune.cpts_id.in_(ids))))
    outside = [i for i in ids if i not in members]
    if outside:
        raise ValidationFailed(
            f"Ces CPTS n'incluent pas la commune {code} : {outside}.",
            errors={"cpts": [f"n'incluent pas la commune {code} : {outside}"]})
    lock_territories(session)
    arbitration = session.scalar(select(Arbitration).where(Arbitration.commune_code == code))
    before = None
    if arbitration is None:
        arbitration = Arbitration(commune_code=code, reason=reason, decided_by=principal.label)
        session.add(arbitration)
    else:
        before = {"cpts": sorted(m.cpts_id for m in arbitration.members),
                  "reason": arbitration.reason}
        arbitration.reason = reason
        arbitration.decided_by = principal.label
        arbitration.updated_at = session.execute(text("SELECT now()")).scalar_one()
        session.execute(delete(ArbitrationCpts)
                        .where(ArbitrationCpts.arbitration_id == arbitration.id))
        session.expire(arbitration, ["members"])
    session.flush()
    session.add_all(ArbitrationCpts(arbitration_id=arbitration.id, cpts_id=i) for i in ids)
    session.flush()
    try:
        with session.begin_nested():
            session.execute(text("""
                UPDATE cpts_validated_commune
                SET share_key = CASE WHEN cpts_id = ANY(:ids) THEN :arbitrated
                                     ELSE 'cpts:' || cpts_id END
                WHERE commune_code = :code"""),
                            {"ids": ids, "code": code, "arbitrated": ARBITRATED_KEY})
    except IntegrityError as exc:
        raise _validated_conflict(exc) from None
    audit.record(session, principal, "arbitration.record", "commune", code, before=before,
                 after={"cpts": ids, "reason": reason}, reason=reason)
    return arbitration_dict(session, arbitration)


def arbitration_dict(session: Session, arbitration: Arbitration) -> dict:
    commune = session.get(Commune, arbitration.commune_code)
    ids = sorted(session.scalars(select(ArbitrationCpts.cpts_id).where(
        ArbitrationCpts.arbitration_id == arbitration.id)))
    return {"id": arbitration.id, "commune": arbitration.commune_code,
            "nom": commune.name if commune else None, "cpts": ids,
            "reason": arbitration.reason, "decided_by": arbitration.decided_by,
            "created_at": arbitration.created_at.isoformat() if arbitration.created_at else None}


def list_arbitrations(session: Session, region: str | None = None) -> list[dict]:
    query = select(Arbitration).join(Commune, Commune.code == Arbitration.commune_code)
    if region:
        query = query.where(Commune.region == region)
    return [arbitration_dict(session, a)
            for a in session.scalars(query.order_by(Arbitration.commune_code))]


# -- keeping cached measures current --------------------------------------------------------

_REFRESH = text("""
    WITH touched AS (
      SELECT DISTINCT cpts_id FROM cpts_commune WHERE commune_code = ANY(:codes)
      UNION SELECT DISTINCT cpts_id FROM cpts_drawn_commune WHERE commune_code = ANY(:codes)),
    m AS (
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
      WHERE d.cpts_id IN (SELECT cpts_id FROM touched) GROUP BY d.cpts_id)
    UPDATE cpts k SET population = m.pop, population_year = m.yr,
           area_km2 = coalesce(m.area, k.area_km2),
           size_category = CASE WHEN m.pop < 40000 THEN 1 WHEN m.pop < 80000 THEN 2
                                WHEN m.pop < 175000 THEN 3 ELSE 4 END
    FROM m WHERE m.cpts_id = k.id
      AND (k.population, k.population_year, k.area_km2)
          IS DISTINCT FROM (m.pop, m.yr, coalesce(m.area, k.area_km2))
    RETURNING k.id
""")

_REFRESH_GEOMETRY = text("""
    UPDATE cpts k SET geom = (SELECT ST_Multi(ST_CollectionExtract(ST_Union(c.geom), 3))
                              FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
                              WHERE cc.cpts_id = k.id), updated_at = now()
    WHERE k.territory_kind = 'communes'
      AND k.id IN (SELECT cpts_id FROM cpts_commune WHERE commune_code = ANY(:codes))
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
