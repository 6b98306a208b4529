"""Writing directory entries: create, update, delete, confirm — the one implementation the API,
the pages, the CSV imports and the demo call.

``actor`` is the Principal whose rights are checked, or None for trusted callers (imports, the
CLI), which then name themselves in ``audit_actor``. Sites are placed on the map on write
(given coordinates, else the geocoding cache, else the BAN, else the commune's point); every
write records one audit event with the private view before and after.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from ...errors import Conflict, Forbidden, ValidationFailed
from ...geocoding import normalise_address
from ...models import Account, PracticeSite, Professional
from .. import audit
from .access import member_cpts_ids, require_edit
from .lookup import check_profession, find_existing, resolve_competencies, resolve_cpts
from .parts import (replace_competencies, replace_sites, replace_slots, replace_zones,
                    set_memberships)
from .views import get_professional, professional_private

SCALAR_FIELDS = {
    # API field -> column
    "rpps": "rpps", "external_ref": "external_ref", "civility": "civility",
    "first_name": "first_name", "last_name": "last_name", "profession": "profession_code",
    "specialty": "specialty", "accepts_new_patients": "accepts_new_patients",
    "home_visits": "home_visits", "teleconsultation": "teleconsultation",
    "languages": "languages", "accessible": "accessible", "phone": "phone",
    "private_phone": "private_phone", "email": "email", "public_email": "public_email",
    "website": "website", "last_verified_at": "last_verified_at",
    "mssante": "mssante", "referral_preference": "referral_preference",
    "takes_referrals": "takes_referrals", "colleague_note": "colleague_note",
}


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
    sites = replace_sites(session, professional, data.get("sites") or [], settings, client,
                           source)
    replace_zones(session, professional.id, data.get("zones") or [], sites, settings)
    replace_slots(session, professional.id, data.get("slots") or [], sites)
    replace_competencies(session, professional.id, competency_ids)
    set_memberships(session, professional.id, cpts_ids)
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
    professional = get_professional(session, professional_id)
    if actor is not None:
        require_edit(session, actor, professional_id)
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
        sites = replace_sites(session, professional, data["sites"] or [], settings, client,
                               source)
    else:
        sites = list(session.scalars(select(PracticeSite)
                                     .where(PracticeSite.professional_id == professional_id)
                                     .order_by(PracticeSite.id)))
    if "zones" in data:
        replace_zones(session, professional_id, data["zones"] or [], sites, settings)
    if "slots" in data:
        replace_slots(session, professional_id, data["slots"] or [], sites)
    if competency_ids is not None:
        replace_competencies(session, professional_id, competency_ids)
    if "cpts" in data:
        set_memberships(session, professional_id, new_ids)
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
    get_professional(session, professional_id)
    if actor is not None:
        require_edit(session, actor, professional_id)
        if actor.role == "professional":
            raise Forbidden("Demandez à votre coordinateur ou à un administrateur de supprimer "
                            "votre fiche.")
        if actor.role == "coordinator":
            others = member_cpts_ids(session, professional_id) - {actor.cpts_id}
            if others:
                raise Forbidden("Ce professionnel est aussi membre d'une autre CPTS : retirez-le "
                                "de la vôtre au lieu de supprimer sa fiche.")
    linked = session.scalar(select(Account.id).where(Account.professional_id == professional_id,
                                                     Account.active.is_(True)))
    if linked is not None:
        raise Conflict("Un compte est rattaché à cette fiche : désactivez-le d'abord.",
                       errors={"account": ["compte rattaché"]})
    before = professional_private(session, professional_id)
    session.execute(delete(Professional).where(Professional.id == professional_id))
    audit.record(session, actor or "cli", "professional.delete", "professional",
                 professional_id, before=before)


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


def _identifier(value) -> str | None:
    """An RPPS number or external reference as stored: blank means none (NULL, which the unique
    constraint lets many entries share), never an empty string two entries would collide on."""
    return (value or "").strip() or None


def _check_unique(session: Session, data: dict, exclude_id: int | None = None) -> None:
    for field, column in (("rpps", "rpps"), ("external_ref", "external_ref")):
        value = _identifier(data.get(field))
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
        elif field in ("rpps", "external_ref"):
            value = _identifier(value)
        setattr(professional, column, value)


def confirm_entry(session: Session, principal, professional_id: int, settings) -> dict:
    """"My entry is still accurate": sets last_verified_at, audited."""
    now = datetime.now(timezone.utc)
    out = update_professional(session, professional_id, {"last_verified_at": now}, principal,
                              settings, touch_verified=False)
    audit.record(session, principal, "professional.confirm", "professional", professional_id,
                 after={"last_verified_at": now.isoformat()})
    return out


def merge_into(data: dict, current: dict, cpts_ids: list[int]) -> dict:
    """Keep the entry's other sites and memberships; the row's site is added (or kept)."""
    data = dict(data)
    if "sites" in data:
        new = data["sites"][0]
        new_key = normalise_address(new["address"], new.get("postcode"), new.get("commune"))
        kept = [{"address": s["address"], "postcode": s["postcode"], "commune": s["commune"],
                 "name": s["name"], "phone": s["phone"], "place_id": s.get("place_id")}
                for s in current["sites"]]
        keys = [normalise_address(s["address"], s["postcode"], s["commune"]) for s in kept]
        if new_key in keys:
            index = keys.index(new_key)
            kept[index] = {"place_id": kept[index]["place_id"], **new}
        else:
            kept.append(new)
            index = len(kept) - 1
        data["sites"] = kept
        for zone in data.get("zones") or []:
            if zone.get("radius_km") is not None:
                zone["site"] = index
    elif data.get("zones"):
        for zone in data["zones"]:
            if zone.get("radius_km") is not None:
                zone["site"] = 0
    if cpts_ids:
        data["cpts"] = sorted({c["id"] for c in current["cpts"]} | set(cpts_ids))
    return data


def upsert_professional(session: Session, data: dict, settings, *, cpts_ids: list[int],
                        audit_actor: str, source: str, client=None) -> str:
    """An imported row: the entry with its RPPS number or ``external_ref`` is updated as
    ``merge_into`` says (re-importing the same row changes nothing, not even
    ``last_verified_at``), else a new entry is created. Returns created, updated or
    unchanged."""
    existing = find_existing(session, rpps=data.get("rpps"), external_ref=data.get("external_ref"))
    if existing is None:
        create_professional(session, {**data, "cpts": cpts_ids}, None, settings, client=client,
                            source=source, audit_actor=audit_actor)
        return "created"
    current = professional_private(session, existing)
    after = update_professional(session, existing, merge_into(data, current, cpts_ids), None,
                                settings, client=client, source=source,
                                audit_actor=audit_actor, touch_verified="on_change")
    return "updated" if comparable(after) != comparable(current) else "unchanged"
