"""« Déposer ce territoire comme projet »: the territory checked on /territoires/verifier
becomes a CPTS project, through the CPTS use cases (overlap rules, région scope and the audit
trail are theirs).

Who may, and what it does:

- an ARS officer (for a territory in one of their régions) or an administrator creates a new
  CPTS, status ``projet``, under the name given (``create_cpts``);
- a coordinator deposits it as the territory of *their own* CPTS (``update_cpts``): a CPTS at
  the letter-of-intent stage becomes a ``projet``. When the CPTS already has a territory, it is
  replaced only if the deposit says so (``replace``; the page asks for that confirmation). The
  territory of a validated CPTS is the ARS's to change, and a rejected CPTS is not reopened from
  here: both are refused with the reason;
- anyone else (anonymous, professional) cannot deposit.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Forbidden, Unauthorized, ValidationFailed
from ...models import Cpts
from .lifecycle import create_cpts, update_cpts

#: Why a coordinator's CPTS cannot take a deposited territory, by status.
BLOCKED = {
    "valide": "Le territoire d'une CPTS validée ne peut être modifié que par l'ARS.",
    "aci_signe": "Le territoire d'une CPTS signataire du contrat ACI ne peut être modifié que "
                 "par l'ARS.",
    "rejete": "Cette CPTS a été rejetée par l'ARS : un nouveau projet se dépose auprès de "
              "l'ARS.",
}


def deposit_target(session: Session, principal) -> dict | None:
    """What the deposit offers this principal: None (nothing), ``{"mode": "create"}`` (ARS,
    admin) or ``{"mode": "update", "cpts": {...}, "blocked": reason or None}`` (coordinator)."""
    if principal.role in ("ars", "admin"):
        return {"mode": "create"}
    if principal.role != "coordinator" or principal.cpts_id is None:
        return None
    cpts = session.get(Cpts, principal.cpts_id)
    if cpts is None:
        return None
    return {"mode": "update", "blocked": BLOCKED.get(cpts.status),
            "cpts": {"id": cpts.id, "name": cpts.name, "slug": cpts.slug,
                     "status": cpts.status, "population": cpts.population,
                     "has_territory": cpts.geom is not None}}


def deposit_territory(session: Session, principal, *, communes=None, geometry=None,
                      repair: bool = False, name=None, replace: bool = False,
                      settings: Settings, iris=None) -> Cpts:
    """Create (ARS, admin) or update (coordinator) the CPTS project; see the module doc.
    Raises Unauthorized, Forbidden, ValidationFailed (``replace`` when the confirmation is
    missing, ``name``, the territory's fields) or Conflict (overlap with a validated CPTS)."""
    if principal.is_anonymous:
        raise Unauthorized("Connectez-vous pour déposer ce territoire.")
    target = deposit_target(session, principal)
    if target is None:
        raise Forbidden("Seuls un coordinateur de CPTS, l'ARS ou un administrateur peuvent "
                        "déposer un territoire.")
    if target["mode"] == "create":
        return create_cpts(session, principal, name=name, communes=communes, geometry=geometry,
                           iris=iris, repair=repair, status="projet", settings=settings)
    if target["blocked"]:
        raise Forbidden(target["blocked"])
    cpts = session.get(Cpts, target["cpts"]["id"])
    if target["cpts"]["has_territory"] and not replace:
        raise ValidationFailed(
            f"La CPTS {cpts.name} a déjà un territoire : confirmez son remplacement.",
            errors={"replace": ["cochez la case pour confirmer le remplacement du territoire"]})
    data = {"repair": repair}
    if iris:
        data.update(communes=communes or None, iris=iris)
    else:
        data["communes" if communes is not None else "geometry"] = (
            communes if communes is not None else geometry)
    if cpts.status == "intention":
        data["status"] = "projet"
    return update_cpts(session, principal, cpts, data, settings=settings)
