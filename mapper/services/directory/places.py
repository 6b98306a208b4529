"""Places (lieux): structures that are not a person — an MSP, a centre de santé, a pharmacy, a
mairie's room — listed by a CPTS. Create, update, delete, read; the one implementation the
API, the coordinator's pages, the CSV import and the demo call.

A place is located on write like a practice site (given coordinates, else the geocoding cache,
else the BAN, else the commune's point). ``actor`` is the Principal whose rights are checked,
or None for trusted callers (imports, CLI) that name themselves in ``audit_actor``. Every
write records one audit event with the place before and after.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...geo import in_france
from ...models import Place
from .. import audit
from ..geocoding import client_for, place_site
from .access import require_manage_place
from .lookup import resolve_cpts

SCALARS = ("name", "kind", "finess", "address", "postcode", "phone", "website", "accessible",
           "notes", "external_ref")
_VIEW = text("""
    SELECT pl.*, ST_Y(pl.geom) AS lat, ST_X(pl.geom) AS lon, c.slug AS cpts_slug,
           c.name AS cpts_name,
           coalesce(pl.commune_name, (SELECT cm.name FROM commune cm
                                      WHERE cm.code = pl.commune_code)) AS town
    FROM place pl LEFT JOIN cpts c ON c.id = pl.cpts_id
    WHERE {where} ORDER BY pl.name COLLATE mapper_fr, pl.id
""")


def _out(r) -> dict:
    return {"id": r["id"], "name": r["name"], "kind": r["kind"], "finess": r["finess"],
            "address": r["address"], "postcode": r["postcode"], "commune": r["commune_code"],
            "commune_name": r["town"], "phone": r["phone"], "website": r["website"],
            "accessible": r["accessible"], "notes": r["notes"],
            "lat": None if r["lat"] is None else round(r["lat"], 6),
            "lon": None if r["lon"] is None else round(r["lon"], 6),
            "precision": r["precision"], "geocode_status": r["geocode_status"],
            "cpts": None if r["cpts_id"] is None else {
                "id": r["cpts_id"], "slug": r["cpts_slug"], "name": r["cpts_name"]},
            "external_ref": r["external_ref"],
            "updated_at": r["updated_at"].isoformat() if r["updated_at"] else None}


def _rows(session: Session, where: str, params: dict) -> list[dict]:
    return [_out(r) for r in session.execute(text(_VIEW.text.format(where=where)),
                                             params).mappings()]


def place_view(session: Session, place_id: int) -> dict:
    found = _rows(session, "pl.id = :id", {"id": place_id})
    if not found:
        raise NotFound(f"Lieu introuvable : {place_id}.")
    return found[0]


def get_place(session: Session, place_id: int) -> Place:
    place = session.get(Place, place_id)
    if place is None:
        raise NotFound(f"Lieu introuvable : {place_id}.")
    return place


def list_places(session: Session, *, cpts=None, kind: str | None = None) -> list[dict]:
    """Places, by French name; ``cpts`` an id or a slug, ``kind`` one of PLACE_KINDS."""
    conds, params = ["TRUE"], {}
    if cpts not in (None, ""):
        conds.append("pl.cpts_id = :cpts_id")
        params["cpts_id"] = resolve_cpts(session, [cpts])[0]
    if kind:
        conds.append("pl.kind = :kind")
        params["kind"] = kind
    return _rows(session, " AND ".join(conds), params)


def _locate(session: Session, place: Place, data: dict, settings, client) -> None:
    if data.get("lat") is not None and not in_france(data["lon"], data["lat"]):
        raise ValidationFailed("Ce point n'est pas en France (lat/lon inversés ?).",
                               errors={"lat": ["point hors de France"]})
    given = data.get("lat") is not None
    if client is None and not given:
        client = client_for(settings)
    found = place_site(session, client, settings.ban_min_score, address=place.address,
                       postcode=place.postcode, commune_code=data.get("commune"),
                       lat=data.get("lat"), lon=data.get("lon"))
    place.geom = (f"SRID=4326;POINT({found.lon} {found.lat})" if found.lat is not None
                  else None)
    place.geocode_score, place.geocode_source = found.score, found.source
    place.geocode_status, place.precision = found.status, found.precision
    place.commune_code = data.get("commune") or found.commune_code


def _cpts_id(session: Session, data: dict, actor, current: int | None) -> int | None:
    if "cpts" not in data:
        if current is None and actor is not None and not actor.is_admin:
            return actor.cpts_id
        return current
    if data["cpts"] in (None, ""):
        return None
    return resolve_cpts(session, [data["cpts"]])[0]


def _check_unique(session: Session, data: dict, exclude_id: int) -> None:
    ref = (data.get("external_ref") or "").strip() or None
    if ref is None:
        return
    other = session.scalar(select(Place.id).where(Place.external_ref == ref,
                                                  Place.id != exclude_id))
    if other is not None:
        raise Conflict(f"Un lieu existe déjà avec cette référence ({other}).",
                       errors={"external_ref": ["déjà utilisée"]}, extra={"existing_id": other})


def _moves(place: Place, data: dict) -> bool:
    """Whether a write places the place again (new, a location given, or a changed address)."""
    if place.geocode_status == "pending" or data.get("lat") is not None:
        return True
    current = {"address": place.address, "postcode": place.postcode,
               "commune": place.commune_code}
    return any(k in data and " ".join((data[k] or "").split()) != (current[k] or "")
               for k in current)


def _apply(session: Session, place: Place, data: dict, settings, client) -> None:
    moved = _moves(place, data)
    for field in SCALARS:
        if field in data:
            value = data[field]
            if isinstance(value, str):
                value = " ".join(value.split()) if field != "notes" else value.strip()
                value = value or None
            setattr(place, field, value)
    if not place.name or not place.address:
        field = "name" if not place.name else "address"
        raise ValidationFailed(f"{field} est requis.", errors={field: ["champ requis"]})
    if moved:
        _locate(session, place, {"commune": place.commune_code, **data}, settings, client)
    place.updated_at = datetime.now(timezone.utc)


def create_place(session: Session, data: dict, actor, settings, *, client=None,
                 audit_actor=None) -> dict:
    """A new place (a coordinator's goes to their CPTS); the place's view back."""
    if actor is not None and not actor.is_admin and actor.role != "coordinator":
        raise Forbidden("Seuls un administrateur ou un coordinateur de CPTS peuvent créer un "
                        "lieu.")
    cpts_id = _cpts_id(session, data, actor, None)
    require_manage_place(actor, cpts_id)
    _check_unique(session, data, -1)
    place = Place(cpts_id=cpts_id, geocode_status="pending", name="", kind=data.get("kind"),
                  address="")
    _apply(session, place, data, settings, client)
    session.add(place)
    session.flush()
    after = place_view(session, place.id)
    audit.record(session, audit_actor or actor or "cli", "place.create", "place", place.id,
                 after=after)
    return after


def update_place(session: Session, place_id: int, data: dict, actor, settings, *,
                 client=None, audit_actor=None) -> dict:
    """A partial update; moving it to another CPTS needs rights on both."""
    place = get_place(session, place_id)
    require_manage_place(actor, place.cpts_id)
    before = place_view(session, place_id)
    cpts_id = _cpts_id(session, data, actor, place.cpts_id)
    require_manage_place(actor, cpts_id)
    _check_unique(session, data, place_id)
    place.cpts_id = cpts_id
    _apply(session, place, data, settings, client)
    session.flush()
    after = place_view(session, place_id)
    if _changed(before, after):
        audit.record(session, audit_actor or actor or "cli", "place.update", "place",
                     place_id, before=before, after=after)
    return after


def _changed(before: dict, after: dict) -> bool:
    return {k: v for k, v in before.items() if k != "updated_at"} != {
        k: v for k, v in after.items() if k != "updated_at"}


def delete_place(session: Session, place_id: int, actor, *, audit_actor=None) -> None:
    """Delete a place with its closures; the sites that belonged to it stay (unlinked)."""
    place = get_place(session, place_id)
    require_manage_place(actor, place.cpts_id)
    before = place_view(session, place_id)
    session.delete(place)
    session.flush()
    audit.record(session, audit_actor or actor or "cli", "place.delete", "place", place_id,
                 before=before)


def upsert_place(session: Session, data: dict, settings, *, audit_actor: str, client=None
                 ) -> str:
    """An imported row: the place with its ``external_ref`` is updated, else created.
    Returns created, updated or unchanged."""
    ref = (data.get("external_ref") or "").strip()
    existing = session.scalar(select(Place.id).where(Place.external_ref == ref)) if ref else None
    if existing is None:
        create_place(session, data, None, settings, client=client, audit_actor=audit_actor)
        return "created"
    before = place_view(session, existing)
    after = update_place(session, existing, data, None, settings, client=client,
                         audit_actor=audit_actor)
    return "updated" if _changed(before, after) else "unchanged"
