"""The CPTS life cycle: create (intention or projet), edit, ARS decisions (valide, aci_signe,
rejete; ``vocab.DECISION_FROM`` says from which statuses).

Overlap with projects is allowed and reported; overlap with a validated CPTS is refused (409
carrying the overlap report), at creation, on edits and at validation, under the territory
lock (see ``storage``). A signed CPTS (``aci_signe``) counts as validated. Each write that
stores a territory keeps the conciliation state of its overlaps (``conciliation.sync_pairs``).
Every entry point (API, pages, imports, demo) goes through these
functions; each records an audit event.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Conflict, Forbidden, ValidationFailed
from ...messages import N_
from ...models import Cpts
from ...schemas.colors import normalize_color
from ...schemas.fields import EMAIL_RE
from ...schemas.origins import clean_origins
from ...vocab import CREATABLE_STATUSES, DECISION_FROM, DECISIONS, VALIDATED_STATUSES
from .. import audit
from .check import conflicts_with_validated
from .conciliation import sync_pairs
from .cpts import current_overlaps
from .naming import check_name_free, clean_name, unique_slug
from .overlaps import find_overlaps
from .storage import (lock_territories, member_codes, member_iris, store_territory,
                      sync_validated)
from .territory import Territory, build_territory

WEBSITE_REASON = N_("Adresse de site invalide : indiquez l'adresse complète, par exemple "
                    "https://www.cpts-exemple.fr.")


def clean_fields(data: dict) -> dict:
    """website, contact_email, embed_origins, brand_color: None clears; bad values → 422 on
    the field."""
    out = {}
    if "website" in data:
        url = (data["website"] or "").strip() or None
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
                raise ValidationFailed("Adresse du site invalide.",
                                       errors={"website": [WEBSITE_REASON]})
        out["website"] = url
    if "contact_email" in data:
        email = (data["contact_email"] or "").strip() or None
        if email and (not EMAIL_RE.match(email) or len(email) > 320):
            raise ValidationFailed("Adresse e-mail invalide.",
                                   errors={"contact_email": ["adresse e-mail invalide"]})
        out["contact_email"] = email
    if "embed_origins" in data:
        origins, reasons = clean_origins(data["embed_origins"])
        if reasons:
            raise ValidationFailed("Sites autorisés invalides.",
                                   errors={"embed_origins": reasons})
        out["embed_origins"] = origins
    if "brand_color" in data:
        raw = data["brand_color"]
        color = normalize_color(raw) if raw not in (None, "") else None
        if raw not in (None, "") and color is None:
            raise ValidationFailed("Couleur invalide.", errors={"brand_color": [
                "couleur au format #rrggbb attendue (ex. #1d4f91)"]})
        out["brand_color"] = color
    return out


def _territory_field(territory: Territory) -> str:
    if territory.iris:
        return "iris"
    return "communes" if territory.kind == "communes" else "geometry"


def _refuse_validated_overlap(territory: Territory, overlaps: list[dict], what: str) -> None:
    if conflicts_with_validated(overlaps):
        names = ", ".join(o["cpts"]["name"] for o in overlaps
                          if o["cpts"]["status"] in VALIDATED_STATUSES and not o["arbitrated"])
        raise Conflict(f"{what} chevauche une CPTS validée : {names}.",
                       errors={_territory_field(territory): [
                           f"chevauche une CPTS validée : {names}"]},
                       extra={"overlaps": overlaps, "conflicts_with_validated": True},
                       slug="overlaps-validated-cpts")


def _snapshot(cpts: Cpts, codes: list[str] | None = None, iris=None) -> dict:
    snap = {"name": cpts.name, "slug": cpts.slug, "status": cpts.status, "region": cpts.region,
            "website": cpts.website, "contact_email": cpts.contact_email,
            "embed_origins": list(cpts.embed_origins or []), "brand_color": cpts.brand_color,
            "territory_kind": cpts.territory_kind, "population": cpts.population,
            "area_km2": cpts.area_km2, "size_category": cpts.size_category}
    if codes is not None:
        snap["communes"] = codes
    if iris:
        snap["iris"] = iris
    return snap


def _require_region_scope(principal, region: str | None) -> None:
    if principal.role == "ars" and region not in principal.regions:
        raise Forbidden("Ce territoire est hors des régions de votre compte ARS.")


def create_cpts(session: Session, principal, *, name, communes=None, geometry=None, iris=None,
                repair: bool = False, status: str = "projet", website=None, contact_email=None,
                embed_origins=None, brand_color=None, settings: Settings) -> Cpts:
    """A new CPTS (intention or projet). Overlap with projects is allowed and reported;
    overlap with a validated CPTS is refused (409 carrying the overlap report)."""
    if principal.role not in ("admin", "ars", "coordinator"):
        raise Forbidden("Votre rôle ne permet pas de créer une CPTS.")
    name = clean_name(name)
    status = status or "projet"
    if status not in CREATABLE_STATUSES:
        raise ValidationFailed("Statut invalide à la création.", errors={"status": [
            "intention ou projet ; la validation passe par une décision de l'ARS"]})
    fields = clean_fields({"website": website, "contact_email": contact_email,
                            "embed_origins": embed_origins, "brand_color": brand_color})
    territory = build_territory(session, communes=communes, geometry=geometry, repair=repair,
                                settings=settings, iris=iris)
    _require_region_scope(principal, territory.region)
    check_name_free(session, name)
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
    sync_pairs(session, principal, cpts.id, overlaps)
    audit.record(session, principal, "cpts.create", "cpts", cpts.id,
                 after=_snapshot(cpts, territory.codes or None, territory.iris))
    return cpts


def update_cpts(session: Session, principal, cpts: Cpts, data: dict, *,
                settings: Settings) -> Cpts:
    """PATCH: plain fields and/or the territory, under the same rules as creation."""
    if not principal.can_manage_cpts(cpts.id, cpts.region):
        raise Forbidden("Vous ne gérez pas cette CPTS.")
    before = _snapshot(cpts, member_codes(session, cpts.id), member_iris(session, cpts.id))
    if "name" in data:
        name = clean_name(data["name"])
        if name != cpts.name:
            check_name_free(session, name, cpts.id)
            cpts.name = name
            cpts.slug = unique_slug(session, name, cpts.id)
    if "status" in data and data["status"] != cpts.status:
        if data["status"] not in CREATABLE_STATUSES or cpts.status not in CREATABLE_STATUSES:
            raise ValidationFailed("Changement de statut impossible ici.", errors={"status": [
                "seul le passage intention ↔ projet se fait ici ; valider ou rejeter passe par "
                "POST /api/v1/cpts/<id>/decision"]})
        cpts.status = data["status"]
    for key, value in clean_fields(data).items():
        setattr(cpts, key, value)
    if "communes" in data or "geometry" in data or "iris" in data:
        if principal.role == "coordinator" and cpts.status in VALIDATED_STATUSES:
            raise Forbidden("Le territoire d'une CPTS validée ne peut être modifié que par "
                            "l'ARS.")
        territory = build_territory(session, communes=data.get("communes"),
                                    geometry=data.get("geometry"), iris=data.get("iris"),
                                    repair=bool(data.get("repair")), settings=settings)
        if principal.role == "ars":
            _require_region_scope(principal, territory.region)
        lock_territories(session)
        overlaps = find_overlaps(session, territory, settings, self_id=cpts.id)
        _refuse_validated_overlap(territory, overlaps, "Ce territoire")
        store_territory(session, cpts, territory)
        sync_validated(session, cpts.id)
        sync_pairs(session, principal, cpts.id, overlaps)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict("Une CPTS porte déjà ce nom.", errors={"name": ["déjà utilisé"]}) from None
    cpts.updated_at = session.execute(text("SELECT now()")).scalar_one()
    audit.record(session, principal, "cpts.update", "cpts", cpts.id, before=before,
                 after=_snapshot(cpts, member_codes(session, cpts.id),
                                     member_iris(session, cpts.id)))
    return cpts


#: Why a decision cannot follow the current status.
_REFUSED_TRANSITION = {
    "aci_signe": "Seule une CPTS validée peut signer le contrat ACI.",
    "valide": "Une CPTS signataire du contrat ACI est déjà validée.",
}


def decide(session: Session, principal, cpts: Cpts, decision: str, reason: str, *,
           settings: Settings) -> Cpts:
    """ARS decision: ``valide`` (refused with 409 when it would overlap a validated CPTS),
    ``aci_signe`` (only a validated CPTS signs) or ``rejete``. Safe under concurrency (module
    doc); audited with its reason."""
    if not principal.can_act_in_region(cpts.region):
        raise Forbidden("Seuls l'ARS de la région et les administrateurs décident.")
    if decision not in DECISIONS:
        raise ValidationFailed("Décision invalide.",
                               errors={"decision": [" ou ".join(DECISIONS)]})
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
    if cpts.status not in DECISION_FROM[decision]:
        raise Conflict(_REFUSED_TRANSITION.get(decision, "Transition de statut impossible."),
                       errors={"decision": [f"impossible depuis le statut « {cpts.status} »"]},
                       slug="status-transition")
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
