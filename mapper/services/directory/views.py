"""Reading an entry: the private view (for those who may edit it, and the audit trail), the
public view (everyone else), and the intervention zones as GeoJSON."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import NotFound
from ...models import Professional
from ...vocab import FRENCH_COLLATION
from .. import features
from ..features import Layer, equals
from .access import can_edit, public_view
from .colleague_access import with_professional_fields
from .slots import next_slots

#: An entry not confirmed for this long is flagged ``stale`` in results.
STALE_AFTER = timedelta(days=183)

ZONES = Layer(
    source="intervention_zone z", id="z.id", geometry="z.geom", order="z.id",
    properties=(("kind", "z.kind"), ("communes", "z.communes"), ("radius_km", "z.radius_km"),
                ("site_id", "z.site_id"), ("professional_id", "z.professional_id")))

_ENTRY = text("""
    SELECT p.*, pr.label AS profession_label FROM professional p
    JOIN profession pr ON pr.code = p.profession_code WHERE p.id = :id
""")
_SITES = text("""
    SELECT s.id, s.name, s.address, s.postcode, s.commune_code, s.commune_name, s.phone,
           ST_Y(s.geom) AS lat, ST_X(s.geom) AS lon, s.precision, s.geocode_status,
           s.geocode_score, s.geocode_source, s.place_id, pl.name AS place_name,
           pl.kind AS place_kind
    FROM practice_site s LEFT JOIN place pl ON pl.id = s.place_id
    WHERE s.professional_id = :id ORDER BY s.id
""")
_ZONES = text("""
    SELECT id, kind, communes, radius_km, site_id FROM intervention_zone
    WHERE professional_id = :id ORDER BY id
""")
_SLOTS = text("""
    SELECT id, weekday, start_time, end_time, kind, site_id, valid_from, valid_to
    FROM slot WHERE professional_id = :id ORDER BY weekday, start_time, id
""")
_COMPETENCIES = text("""
    SELECT c.slug FROM professional_competency pc JOIN competency c ON c.id = pc.competency_id
    WHERE pc.professional_id = :id ORDER BY c.slug
""")
_MEMBERSHIPS = text(f"""
    SELECT c.id, c.slug, c.name FROM cpts_member m JOIN cpts c ON c.id = m.cpts_id
    WHERE m.professional_id = :id ORDER BY c.name COLLATE {FRENCH_COLLATION}, c.id
""")
#: Columns of ``professional`` that the private view carries under the same name.
_SAME_NAME = ("id", "rpps", "adeli", "external_ref", "civility", "first_name", "last_name",
              "profession_label", "specialty", "accepts_new_patients", "home_visits",
              "teleconsultation", "accessible", "phone", "private_phone", "email",
              "public_email", "website", "source", "mssante", "referral_preference",
              "takes_referrals", "colleague_note")


def get_professional(session: Session, professional_id: int) -> Professional:
    professional = session.get(Professional, professional_id)
    if professional is None:
        raise NotFound(f"Professionnel introuvable : {professional_id}.")
    return professional


def is_stale(last_verified_at: datetime | None, now: datetime | None = None) -> bool:
    if last_verified_at is None:
        return True
    return last_verified_at < (now or datetime.now(timezone.utc)) - STALE_AFTER


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _site_out(s) -> dict:
    return {"id": s["id"], "name": s["name"], "address": s["address"],
            "postcode": s["postcode"], "commune": s["commune_code"],
            "commune_name": s["commune_name"], "phone": s["phone"],
            "lat": _round(s["lat"]), "lon": _round(s["lon"]), "precision": s["precision"],
            "geocode_status": s["geocode_status"], "geocode_source": s["geocode_source"],
            "geocode_score": s["geocode_score"], "place_id": s["place_id"],
            "place": None if s["place_id"] is None else {
                "id": s["place_id"], "name": s["place_name"], "kind": s["place_kind"]}}


def _zone_out(z, index_of) -> dict:
    out = {"id": z["id"], "kind": z["kind"]}
    if z["kind"] == "communes":
        out["communes"] = list(z["communes"] or [])
    elif z["kind"] == "radius":
        out["radius_km"] = z["radius_km"]
        out["site"] = index_of.get(z["site_id"])
    return out


def _slot_out(s, index_of) -> dict:
    return {"id": s["id"], "weekday": s["weekday"], "start": s["start_time"].strftime("%H:%M"),
            "end": s["end_time"].strftime("%H:%M"), "kind": s["kind"],
            "site": index_of.get(s["site_id"]),
            "valid_from": _iso(s["valid_from"]), "valid_to": _iso(s["valid_to"])}


def professional_private(session: Session, professional_id: int) -> dict:
    """Everything about an entry, for those who may edit it (and the audit trail)."""
    params = {"id": professional_id}
    row = session.execute(_ENTRY, params).mappings().first()
    if row is None:
        raise NotFound(f"Professionnel introuvable : {professional_id}.")
    sites = session.execute(_SITES, params).mappings().all()
    index_of = {s["id"]: i for i, s in enumerate(sites)}
    out = {key: row[key] for key in _SAME_NAME}
    out.update(
        profession=row["profession_code"], languages=list(row["languages"] or []),
        competencies=list(session.scalars(_COMPETENCIES, params)),
        last_verified_at=_iso(row["last_verified_at"]),
        stale=is_stale(row["last_verified_at"]),
        created_at=_iso(row["created_at"]), updated_at=_iso(row["updated_at"]),
        sites=[_site_out(s) for s in sites],
        zones=[_zone_out(z, index_of) for z in session.execute(_ZONES, params).mappings()],
        slots=[_slot_out(s, index_of) for s in session.execute(_SLOTS, params).mappings()],
        cpts=[dict(r) for r in session.execute(_MEMBERSHIPS, params).mappings()])
    return out


def professional_public(session: Session, professional_id: int) -> dict:
    """The public entry (what the orientation map and anonymous API show), with next_slot."""
    out = public_view(professional_private(session, professional_id))
    out["next_slot"] = next_slots(session, [professional_id]).get(professional_id)
    return out


def professional_for(session: Session, principal, professional_id: int) -> dict:
    """The private view for those who may edit the entry; for colleagues (the rule of
    ``colleague_access``) the public one with the professional-only fields; the public one
    otherwise."""
    if not can_edit(session, principal, professional_id):
        out = professional_public(session, professional_id)
        return with_professional_fields(session, principal, [out])[0]
    out = professional_private(session, professional_id)
    out["next_slot"] = next_slots(session, [professional_id]).get(professional_id)
    return out


def professional_zone_geojson_text(session: Session, professional_id: int) -> str:
    """The intervention zones of a professional as a FeatureCollection (RFC 7946), as the
    JSON text PostgreSQL wrote (the API passes it through)."""
    get_professional(session, professional_id)
    return features.collection(session, ZONES, [equals("z.professional_id", professional_id)])


def professional_zone_geojson(session: Session, professional_id: int) -> dict:
    """:func:`professional_zone_geojson_text` as a dict (the page's map builder walks it)."""
    return json.loads(professional_zone_geojson_text(session, professional_id))
