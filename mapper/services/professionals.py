"""Professionals: create, read, update, delete, with authorization, privacy and audit.

Who may write an entry: an admin, the coordinator of a CPTS the professional belongs to, or the
professional's own account (``Account.professional_id``). Membership changes are limited to the
CPTS one coordinates (admins: any; professionals cannot change their memberships).

Two views of an entry: ``professional_private`` for those who may write it, and
``professional_public`` for everyone else; the public one never carries the private phone, the
e-mail unless ``public_email``, nor account or audit data. Writes place sites on the map through
``services.geocoding.place_site`` (given coordinates, else the cache, else the BAN, else the
commune's point) and record one audit event with the private view before and after.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..geo import GeometryError, in_france, parse_areal, to_ewkb_hex
from ..geocoding import normalise_address
from ..models import (Account, CptsMember, InterventionZone, PracticeSite, Professional,
                      ProfessionalCompetency, Slot)
from . import audit
from .geocoding import client_for, place_site

log = logging.getLogger(__name__)

#: An entry not confirmed for this long is flagged ``stale`` in results.
STALE_AFTER = timedelta(days=183)
MAX_RADIUS_KM = 100.0

SCALAR_FIELDS = {
    # API field -> column
    "rpps": "rpps", "external_ref": "external_ref", "civility": "civility",
    "first_name": "first_name", "last_name": "last_name", "profession": "profession_code",
    "specialty": "specialty", "accepts_new_patients": "accepts_new_patients",
    "home_visits": "home_visits", "teleconsultation": "teleconsultation",
    "languages": "languages", "accessible": "accessible", "phone": "phone",
    "private_phone": "private_phone", "email": "email", "public_email": "public_email",
    "website": "website", "last_verified_at": "last_verified_at",
}
PRIVATE_FIELDS = ("private_phone", "email", "external_ref", "source", "created_at", "updated_at")


# -- authorization --------------------------------------------------------------------------

def member_cpts_ids(session: Session, professional_id: int) -> set[int]:
    return set(session.scalars(select(CptsMember.cpts_id)
                               .where(CptsMember.professional_id == professional_id)))


def can_edit(session: Session, principal, professional_id: int) -> bool:
    if principal is None or getattr(principal, "is_anonymous", True):
        return False
    if principal.is_admin:
        return True
    if principal.role == "professional":
        return principal.professional_id == professional_id
    if principal.role == "coordinator" and principal.cpts_id is not None:
        return principal.cpts_id in member_cpts_ids(session, professional_id)
    return False


def _require_edit(session: Session, principal, professional_id: int) -> None:
    if not can_edit(session, principal, professional_id):
        raise Forbidden("Seuls un administrateur, le coordinateur d'une CPTS dont ce "
                        "professionnel est membre, ou le professionnel lui-même peuvent "
                        "modifier cette fiche.")


# -- vocabularies ---------------------------------------------------------------------------

def resolve_cpts(session: Session, refs, field: str = "cpts") -> list[int]:
    """CPTS ids from ids, slugs or names; 422 naming the unknown ones."""
    ids, unknown = [], []
    for ref in refs or ():
        ref_s = str(ref).strip()
        if ref_s.isdigit():
            found = session.execute(text("SELECT id FROM cpts WHERE id = :id"),
                                    {"id": int(ref_s)}).scalar()
        else:  # a slug, else a name (case and accents ignored)
            found = session.execute(text(
                "SELECT id FROM cpts WHERE slug = :s OR unaccent_lower(name) = unaccent_lower(:s) "
                "ORDER BY slug = :s DESC LIMIT 1"), {"s": ref_s}).scalar()
        if found is None:
            unknown.append(ref_s)
        elif found not in ids:
            ids.append(found)
    if unknown:
        raise ValidationFailed(f"CPTS inconnue(s) : {', '.join(unknown)}.",
                               errors={field: [f"CPTS inconnue : {u}" for u in unknown]})
    return ids


def resolve_competencies(session: Session, slugs, field: str = "competencies") -> list[int]:
    slugs = list(dict.fromkeys(s.strip() for s in slugs or () if s and s.strip()))
    if not slugs:
        return []
    found = dict(session.execute(text("SELECT slug, id FROM competency WHERE slug = ANY(:s)"),
                                 {"s": slugs}).all())
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationFailed(f"Compétence(s) inconnue(s) : {', '.join(unknown)}.",
                               errors={field: [f"compétence inconnue : {u}" for u in unknown]})
    return [found[s] for s in slugs]


def check_profession(session: Session, code: str, field: str = "profession") -> None:
    if not session.execute(text("SELECT 1 FROM profession WHERE code = :c"), {"c": code}).scalar():
        raise ValidationFailed(f"Profession inconnue : {code}.",
                               errors={field: [f"code profession inconnu : {code}"]})


def _check_communes(session: Session, codes: list[str], field: str) -> None:
    known = set(session.scalars(text("SELECT code FROM commune WHERE code = ANY(:c) "
                                     "AND geom IS NOT NULL"), {"c": list(codes)}))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(f"Commune(s) inconnue(s) : {', '.join(unknown)}.",
                               errors={field: [f"commune inconnue : {c}" for c in unknown]})


# -- reading --------------------------------------------------------------------------------

def _get(session: Session, professional_id: int) -> Professional:
    professional = session.get(Professional, professional_id)
    if professional is None:
        raise NotFound(f"Professionnel introuvable : {professional_id}.")
    return professional


def is_stale(last_verified_at: datetime | None, now: datetime | None = None) -> bool:
    if last_verified_at is None:
        return True
    return last_verified_at < (now or datetime.now(timezone.utc)) - STALE_AFTER


def professional_private(session: Session, professional_id: int) -> dict:
    """Everything about an entry, for those who may edit it (and the audit trail)."""
    row = session.execute(text("""
        SELECT p.*, pr.label AS profession_label FROM professional p
        JOIN profession pr ON pr.code = p.profession_code WHERE p.id = :id
    """), {"id": professional_id}).mappings().first()
    if row is None:
        raise NotFound(f"Professionnel introuvable : {professional_id}.")
    sites = session.execute(text("""
        SELECT id, name, address, postcode, commune_code, commune_name, phone,
               ST_Y(geom) AS lat, ST_X(geom) AS lon, precision, geocode_status, geocode_score,
               geocode_source
        FROM practice_site WHERE professional_id = :id ORDER BY id
    """), {"id": professional_id}).mappings().all()
    index_of = {s["id"]: i for i, s in enumerate(sites)}
    zones = session.execute(text("""
        SELECT id, kind, communes, radius_km, site_id FROM intervention_zone
        WHERE professional_id = :id ORDER BY id
    """), {"id": professional_id}).mappings().all()
    slots = session.execute(text("""
        SELECT id, weekday, start_time, end_time, kind, site_id, valid_from, valid_to
        FROM slot WHERE professional_id = :id ORDER BY weekday, start_time, id
    """), {"id": professional_id}).mappings().all()
    competencies = list(session.scalars(text("""
        SELECT c.slug FROM professional_competency pc JOIN competency c ON c.id = pc.competency_id
        WHERE pc.professional_id = :id ORDER BY c.slug
    """), {"id": professional_id}))
    cpts = [dict(r) for r in session.execute(text("""
        SELECT c.id, c.slug, c.name FROM cpts_member m JOIN cpts c ON c.id = m.cpts_id
        WHERE m.professional_id = :id ORDER BY c.name
    """), {"id": professional_id}).mappings()]
    return {
        "id": row["id"], "rpps": row["rpps"], "adeli": row["adeli"],
        "external_ref": row["external_ref"], "civility": row["civility"],
        "first_name": row["first_name"], "last_name": row["last_name"],
        "profession": row["profession_code"], "profession_label": row["profession_label"],
        "specialty": row["specialty"], "competencies": competencies,
        "accepts_new_patients": row["accepts_new_patients"], "home_visits": row["home_visits"],
        "teleconsultation": row["teleconsultation"], "languages": list(row["languages"] or []),
        "accessible": row["accessible"], "phone": row["phone"],
        "private_phone": row["private_phone"], "email": row["email"],
        "public_email": row["public_email"], "website": row["website"], "source": row["source"],
        "last_verified_at": _iso(row["last_verified_at"]),
        "stale": is_stale(row["last_verified_at"]),
        "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"]),
        "sites": [{
            "id": s["id"], "name": s["name"], "address": s["address"],
            "postcode": s["postcode"], "commune": s["commune_code"],
            "commune_name": s["commune_name"], "phone": s["phone"],
            "lat": _round(s["lat"]), "lon": _round(s["lon"]), "precision": s["precision"],
            "geocode_status": s["geocode_status"], "geocode_source": s["geocode_source"],
            "geocode_score": s["geocode_score"],
        } for s in sites],
        "zones": [_zone_out(z, index_of) for z in zones],
        "slots": [{
            "id": s["id"], "weekday": s["weekday"], "start": s["start_time"].strftime("%H:%M"),
            "end": s["end_time"].strftime("%H:%M"), "kind": s["kind"],
            "site": index_of.get(s["site_id"]),
            "valid_from": _iso(s["valid_from"]), "valid_to": _iso(s["valid_to"]),
        } for s in slots],
        "cpts": cpts,
    }


def _zone_out(z, index_of) -> dict:
    out = {"id": z["id"], "kind": z["kind"]}
    if z["kind"] == "communes":
        out["communes"] = list(z["communes"] or [])
    elif z["kind"] == "radius":
        out["radius_km"] = z["radius_km"]
        out["site"] = index_of.get(z["site_id"])
    return out


def public_view(private: dict) -> dict:
    """Drop what anonymous readers must not see (private phone, non-public e-mail…)."""
    out = {k: v for k, v in private.items() if k not in PRIVATE_FIELDS}
    if private.get("public_email"):
        out["email"] = private.get("email")
    out["sites"] = [{k: v for k, v in s.items()
                     if k not in ("geocode_status", "geocode_source", "geocode_score")}
                    for s in private["sites"]]
    return out


def professional_public(session: Session, professional_id: int) -> dict:
    """The public entry (what the orientation map and anonymous API show), with next_slot."""
    from .search import next_slots

    out = public_view(professional_private(session, professional_id))
    out["next_slot"] = next_slots(session, [professional_id]).get(professional_id)
    return out


def professional_for(session: Session, principal, professional_id: int) -> dict:
    """The private view for those who may edit the entry, the public one otherwise."""
    if can_edit(session, principal, professional_id):
        from .search import next_slots

        out = professional_private(session, professional_id)
        out["next_slot"] = next_slots(session, [professional_id]).get(professional_id)
        return out
    return professional_public(session, professional_id)


def professional_zone_geojson(session: Session, professional_id: int) -> dict:
    """The intervention zones of a professional as a FeatureCollection (RFC 7946)."""
    _get(session, professional_id)
    body = session.execute(text("""
        SELECT json_build_object('type', 'FeatureCollection', 'features',
          coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', z.id,
            'geometry', ST_AsGeoJSON(z.geom, 6)::json,
            'properties', json_build_object('kind', z.kind, 'communes', z.communes,
                                            'radius_km', z.radius_km, 'site_id', z.site_id,
                                            'professional_id', z.professional_id))
            ORDER BY z.id), '[]'::json))::text
        FROM intervention_zone z WHERE z.professional_id = :id
    """), {"id": professional_id}).scalar_one()
    return json.loads(body)


# -- writing --------------------------------------------------------------------------------

def create_professional(session: Session, data: dict, actor, settings, *, client=None,
                        source: str = "api", audit_actor=None) -> dict:
    """Create an entry from the API body; returns the private view. ``actor`` is the
    Principal (authorization) or None for trusted callers (CLI imports)."""
    if actor is not None and not getattr(actor, "is_admin", False):
        if getattr(actor, "role", None) != "coordinator":
            raise Forbidden("Seuls un administrateur ou un coordinateur de CPTS peuvent créer "
                            "une fiche.")
        if not data.get("cpts"):
            data = {**data, "cpts": [actor.cpts_id]}
    for field in ("last_name", "profession"):
        if not data.get(field):
            raise ValidationFailed(f"{field} est requis.", errors={field: ["champ requis"]})
    check_profession(session, data["profession"])
    cpts_ids = resolve_cpts(session, data.get("cpts"))
    if actor is not None and not actor.is_admin and any(c != actor.cpts_id for c in cpts_ids):
        raise Forbidden("Un coordinateur ne peut rattacher une fiche qu'à sa propre CPTS.")
    competency_ids = resolve_competencies(session, data.get("competencies"))
    _check_unique(session, data)
    professional = Professional(source=source, first_name="", languages=[])
    _apply_scalars(professional, data)
    if "last_verified_at" not in data or data.get("last_verified_at") is None:
        professional.last_verified_at = datetime.now(timezone.utc)
    session.add(professional)
    session.flush()
    sites = _replace_sites(session, professional, data.get("sites") or [], settings, client,
                           source)
    _replace_zones(session, professional.id, data.get("zones") or [], sites, settings)
    _replace_slots(session, professional.id, data.get("slots") or [], sites)
    _replace_competencies(session, professional.id, competency_ids)
    _set_memberships(session, professional.id, cpts_ids)
    session.flush()
    after = professional_private(session, professional.id)
    audit.record(session, audit_actor or actor or "cli", "professional.create", "professional",
                 professional.id, after=after)
    return after


def update_professional(session: Session, professional_id: int, data: dict, actor, settings, *,
                        client=None, source: str = "api", audit_actor=None,
                        touch_verified: str | None = "always") -> dict:
    """Apply a partial update (lists given replace the current ones); private view back.

    ``touch_verified``: "always" (an API save confirms the entry), "on_change" (imports: only
    when something changed, so that re-running a file changes nothing), or None."""
    professional = _get(session, professional_id)
    if actor is not None:
        _require_edit(session, actor, professional_id)
    before = professional_private(session, professional_id)
    if "profession" in data:
        if not data["profession"]:
            raise ValidationFailed("profession est requis.", errors={"profession": ["champ requis"]})
        check_profession(session, data["profession"])
    if "last_name" in data and not data["last_name"]:
        raise ValidationFailed("last_name est requis.", errors={"last_name": ["champ requis"]})
    competency_ids = (resolve_competencies(session, data["competencies"])
                      if "competencies" in data else None)
    if "cpts" in data:
        new_ids = resolve_cpts(session, data["cpts"])
        _check_membership_change(actor, set(c["id"] for c in before["cpts"]), set(new_ids))
    _check_unique(session, data, exclude_id=professional_id)
    _apply_scalars(professional, data)
    session.flush()
    if "sites" in data:
        sites = _replace_sites(session, professional, data["sites"] or [], settings, client,
                               source)
    else:
        sites = list(session.scalars(select(PracticeSite)
                                     .where(PracticeSite.professional_id == professional_id)
                                     .order_by(PracticeSite.id)))
    if "zones" in data:
        _replace_zones(session, professional_id, data["zones"] or [], sites, settings)
    if "slots" in data:
        _replace_slots(session, professional_id, data["slots"] or [], sites)
    if competency_ids is not None:
        _replace_competencies(session, professional_id, competency_ids)
    if "cpts" in data:
        _set_memberships(session, professional_id, new_ids)
    session.flush()
    after = professional_private(session, professional_id)
    changed = comparable(before) != comparable(after)
    if changed or touch_verified == "always":
        now = datetime.now(timezone.utc)
        if touch_verified and "last_verified_at" not in data:
            professional.last_verified_at = now
        professional.updated_at = now
        session.flush()
        after = professional_private(session, professional_id)
    if changed:
        audit.record(session, audit_actor or actor or "cli", "professional.update",
                     "professional", professional_id, before=before, after=after)
    elif touch_verified == "always":
        audit.record(session, audit_actor or actor or "cli", "professional.confirm",
                     "professional", professional_id,
                     after={"last_verified_at": after["last_verified_at"]})
    return after


def delete_professional(session: Session, professional_id: int, actor) -> None:
    """Delete an entry with its sites, zones, slots and memberships.

    A coordinator may delete only an entry that belongs to no other CPTS than theirs; an entry
    with a sign-in account cannot be deleted before the account (409).
    """
    _get(session, professional_id)
    if actor is not None:
        _require_edit(session, actor, professional_id)
        if actor.role == "professional":
            raise Forbidden("Demandez à votre coordinateur ou à un administrateur de supprimer "
                            "votre fiche.")
        if actor.role == "coordinator":
            others = member_cpts_ids(session, professional_id) - {actor.cpts_id}
            if others:
                raise Forbidden("Ce professionnel est aussi membre d'une autre CPTS : retirez-le "
                                "de la vôtre au lieu de supprimer sa fiche.")
    linked = session.scalar(select(Account.id).where(Account.professional_id == professional_id))
    if linked is not None:
        raise Conflict("Un compte est rattaché à cette fiche : désactivez-le d'abord.",
                       errors={"account": ["compte rattaché"]})
    before = professional_private(session, professional_id)
    session.execute(delete(Professional).where(Professional.id == professional_id))
    audit.record(session, actor or "cli", "professional.delete", "professional",
                 professional_id, before=before)


# -- helpers --------------------------------------------------------------------------------

def comparable(view: dict) -> dict:
    """A view without what changes on every save (timestamps, ids of replaced rows)."""
    out = {k: v for k, v in view.items()
           if k not in ("updated_at", "last_verified_at", "stale", "created_at")}
    out["sites"] = [{k: v for k, v in s.items() if k != "id"} for s in view["sites"]]
    out["zones"] = [{k: v for k, v in z.items() if k != "id"} for z in view["zones"]]
    out["slots"] = [{k: v for k, v in s.items() if k != "id"} for s in view["slots"]]
    return out


def _check_membership_change(actor, old: set[int], new: set[int]) -> None:
    if actor is None or actor.is_admin or old == new:
        return
    if actor.role != "coordinator":
        raise Forbidden("Seuls un administrateur ou un coordinateur de CPTS peuvent modifier "
                        "les adhésions.")
    if any(c != actor.cpts_id for c in old ^ new):
        raise Forbidden("Un coordinateur ne peut modifier que l'adhésion à sa propre CPTS.")


def _check_unique(session: Session, data: dict, exclude_id: int | None = None) -> None:
    for field, column in (("rpps", "rpps"), ("external_ref", "external_ref")):
        value = data.get(field)
        if not value:
            continue
        other = session.execute(
            text(f"SELECT id FROM professional WHERE {column} = :v AND id <> :me"),
            {"v": value, "me": exclude_id or -1}).scalar()
        if other is not None:
            raise Conflict(f"Une fiche existe déjà avec ce {field} ({other}).",
                           errors={field: ["déjà utilisé"]}, extra={"existing_id": other})


def _apply_scalars(professional: Professional, data: dict) -> None:
    for field, column in SCALAR_FIELDS.items():
        if field not in data:
            continue
        value = data[field]
        if field == "languages":
            value = sorted(set(v.lower() for v in value or []))
        elif field in ("home_visits", "teleconsultation", "public_email"):
            value = bool(value)
        elif field == "first_name":
            value = value or ""
        setattr(professional, column, value)


def _site_key(site: dict) -> str:
    return normalise_address(site.get("address"), site.get("postcode"), site.get("commune"))


def _replace_sites(session: Session, professional: Professional, sites_in: list[dict],
                   settings, client, source: str) -> list[PracticeSite]:
    """Make the sites exactly ``sites_in`` (in order). An unchanged address keeps its row and
    its geocoding; a new or moved one is placed again."""
    keys = []
    for i, site in enumerate(sites_in):
        if not (site.get("address") or "").strip():
            raise ValidationFailed("Adresse requise.", errors={f"sites.{i}.address": ["champ requis"]})
        if (site.get("lat") is None) != (site.get("lon") is None):
            raise ValidationFailed("lat et lon vont ensemble.",
                                   errors={f"sites.{i}.lat": ["lat et lon vont ensemble"]})
        if site.get("lat") is not None and not in_france(site["lon"], site["lat"]):
            raise ValidationFailed("Ce point n'est pas en France (lat/lon inversés ?).",
                                   errors={f"sites.{i}.lat": ["point hors de France"]})
        key = _site_key(site)
        if key in keys:
            raise ValidationFailed("Deux sites ont la même adresse.",
                                   errors={f"sites.{i}.address": ["adresse en double"]})
        keys.append(key)
    existing = {s.address_key: s for s in session.scalars(
        select(PracticeSite).where(PracticeSite.professional_id == professional.id))}
    for key, site in list(existing.items()):
        if key not in keys:
            session.delete(site)
    session.flush()
    out = []
    now = datetime.now(timezone.utc)
    for site_in, key in zip(sites_in, keys):
        row = existing.get(key)
        given = site_in.get("lat") is not None
        if row is None or given:
            if client is None and not given:
                client = client_for(settings)
            placement = place_site(session, client, settings.ban_min_score,
                                   address=site_in["address"], postcode=site_in.get("postcode"),
                                   commune_code=site_in.get("commune"),
                                   lat=site_in.get("lat"), lon=site_in.get("lon"))
            if row is None:
                row = PracticeSite(professional_id=professional.id, address_key=key,
                                   address=site_in["address"], source=source)
                session.add(row)
            row.geom = (f"SRID=4326;POINT({placement.lon} {placement.lat})"
                        if placement.lat is not None else None)
            row.geocode_score = placement.score
            row.geocode_source = placement.source
            row.geocode_status = placement.status
            row.precision = placement.precision
            row.geocoded_at = now
            row.commune_code = placement.commune_code
        row.name = site_in.get("name")
        row.address = " ".join(site_in["address"].split())
        row.postcode = site_in.get("postcode")
        if site_in.get("commune"):
            row.commune_code = site_in["commune"]
        row.phone = site_in.get("phone")
        row.updated_at = now
        out.append(row)
    session.flush()
    return out


def _site_at(sites: list[PracticeSite], index, field: str) -> PracticeSite | None:
    if index is None:
        return None
    if not isinstance(index, int) or not 0 <= index < len(sites):
        raise ValidationFailed("Indice de site invalide.",
                               errors={field: [f"aucun site d'indice {index}"]})
    return sites[index]


def _replace_zones(session: Session, professional_id: int, zones_in: list[dict],
                   sites: list[PracticeSite], settings) -> None:
    session.execute(delete(InterventionZone).where(
        InterventionZone.professional_id == professional_id))
    for i, zone in enumerate(zones_in):
        field = f"zones.{i}"
        kinds = [k for k in ("communes", "radius_km", "geometry") if zone.get(k) is not None]
        if len(kinds) != 1:
            raise ValidationFailed("Une zone est une liste de communes, un rayon autour d'un "
                                   "site, ou une géométrie dessinée.",
                                   errors={field: ["communes, radius_km ou geometry (un seul)"]})
        if kinds[0] == "communes":
            codes = list(dict.fromkeys(zone["communes"]))
            if not codes:
                raise ValidationFailed("Liste de communes vide.",
                                       errors={f"{field}.communes": ["liste vide"]})
            _check_communes(session, codes, f"{field}.communes")
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, communes, geom)
                SELECT :pid, 'communes', CAST(:codes AS varchar[]), ST_Multi(ST_Union(geom))
                FROM commune WHERE code = ANY(CAST(:codes AS varchar[]))
            """), {"pid": professional_id, "codes": codes})
        elif kinds[0] == "radius_km":
            radius = float(zone["radius_km"])
            if not 0 < radius <= MAX_RADIUS_KM:
                raise ValidationFailed("Rayon invalide.", errors={
                    f"{field}.radius_km": [f"entre 0 et {MAX_RADIUS_KM:g} km"]})
            site = _site_at(sites, zone.get("site", 0), f"{field}.site")
            if site is None or site.geom is None:
                raise ValidationFailed("Le site de ce rayon n'est pas localisé.",
                                       errors={f"{field}.site": ["site sans position"]})
            # Buffer on the sphere (geography), in metres: a true 3 km whatever the latitude.
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, radius_km, site_id, geom)
                SELECT :pid, 'radius', :r, s.id,
                       ST_Multi(ST_Buffer(s.geom::geography, :r * 1000, 'quad_segs=16')::geometry)
                FROM practice_site s WHERE s.id = :sid
            """), {"pid": professional_id, "r": radius, "sid": site.id})
        else:
            try:
                parsed = parse_areal(zone["geometry"], field=f"{field}.geometry",
                                     max_vertices=settings.max_vertices)
            except GeometryError as e:
                raise ValidationFailed(e.reason, errors={e.field: [e.reason]},
                                       extra={"geometry_error": e.as_dict()}) from e
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, geom)
                VALUES (:pid, 'drawn', ST_Multi(ST_GeomFromEWKB(decode(:wkb, 'hex'))))
            """), {"pid": professional_id, "wkb": to_ewkb_hex(parsed.geom)})


def _replace_slots(session: Session, professional_id: int, slots_in: list[dict],
                   sites: list[PracticeSite]) -> None:
    session.execute(delete(Slot).where(Slot.professional_id == professional_id))
    for i, slot in enumerate(slots_in):
        field = f"slots.{i}"
        if slot["start"] == slot["end"]:
            raise ValidationFailed("Créneau vide.", errors={f"{field}.end": ["fin = début"]})
        if slot.get("valid_from") and slot.get("valid_to") and slot["valid_to"] < slot["valid_from"]:
            raise ValidationFailed("Validité inversée.",
                                   errors={f"{field}.valid_to": ["avant valid_from"]})
        site = _site_at(sites, slot.get("site"), f"{field}.site")
        session.add(Slot(professional_id=professional_id, site_id=site.id if site else None,
                         weekday=slot["weekday"], start_time=slot["start"],
                         end_time=slot["end"], kind=slot["kind"],
                         valid_from=slot.get("valid_from"), valid_to=slot.get("valid_to")))
    session.flush()


def _replace_competencies(session: Session, professional_id: int, ids: list[int]) -> None:
    session.execute(delete(ProfessionalCompetency).where(
        ProfessionalCompetency.professional_id == professional_id))
    for cid in ids:
        session.add(ProfessionalCompetency(professional_id=professional_id, competency_id=cid))
    session.flush()


def _set_memberships(session: Session, professional_id: int, cpts_ids: list[int]) -> None:
    current = member_cpts_ids(session, professional_id)
    wanted = set(cpts_ids)
    if current - wanted:
        session.execute(delete(CptsMember).where(CptsMember.professional_id == professional_id,
                                                 CptsMember.cpts_id.in_(current - wanted)))
    for cid in sorted(wanted - current):
        session.add(CptsMember(cpts_id=cid, professional_id=professional_id))
    session.flush()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def find_existing(session: Session, *, rpps: str | None = None,
                  external_ref: str | None = None) -> int | None:
    """The entry an import row refers to: by RPPS number, else by the CPTS's own key."""
    if rpps:
        found = session.execute(text("SELECT id FROM professional WHERE rpps = :v"),
                                {"v": rpps}).scalar()
        if found is not None:
            return found
    if external_ref:
        return session.execute(text("SELECT id FROM professional WHERE external_ref = :v"),
                               {"v": external_ref}).scalar()
    return None


def professionals_count(session: Session) -> int:
    return session.execute(text("SELECT count(*) FROM professional")).scalar_one()


__all__ = [
    "can_edit", "comparable", "create_professional", "delete_professional", "find_existing",
    "professional_for", "professional_private", "professional_public",
    "professional_zone_geojson", "public_view", "update_professional",
]

