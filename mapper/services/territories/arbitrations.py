"""ARS arbitrations: a commune several CPTS share on purpose (e.g. "partage par quartiers").

An arbitration lists the CPTS allowed to share one commune; the shared commune then no longer
blocks their validation (the exclusion constraint lets rows keyed ``ARBITRATED_KEY`` coexist), and
a pair of them whose shared communes are all arbitrated is resolved (``conciliation``).
"""
from __future__ import annotations

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...errors import Forbidden, ValidationFailed
from ...models import Arbitration, ArbitrationCpts, Commune, Cpts, CptsCommune
from ...models.cpts import ARBITRATED_KEY
from .. import audit
from .conciliation import after_arbitration
from .storage import lock_territories, validated_conflict


def record_arbitration(session: Session, principal, *, commune: str, cpts_ids, reason: str
                       ) -> dict:
    """Let several CPTS share one commune, replacing its earlier arbitration (module doc)."""
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
        raise validated_conflict(exc) from None
    after_arbitration(session, principal, set(ids) | set((before or {}).get("cpts", [])))
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


def list_arbitrations(session: Session, principal, region: str | None = None) -> list[dict]:
    """The arbitrations an administrator, or an ARS account in its régions, may read (they
    name the staff who decided)."""
    if not (principal.is_admin or principal.role == "ars"):
        raise Forbidden("Seuls l'ARS et les administrateurs consultent les arbitrages.")
    if region and not principal.can_act_in_region(region):
        raise Forbidden("Cette région n'est pas dans le périmètre de votre compte.")
    query = select(Arbitration).join(Commune, Commune.code == Arbitration.commune_code)
    if region:
        query = query.where(Commune.region == region)
    elif not principal.is_admin:
        query = query.where(Commune.region.in_(sorted(principal.regions)))
    return [arbitration_dict(session, a)
            for a in session.scalars(query.order_by(Arbitration.commune_code))]
