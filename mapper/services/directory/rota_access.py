"""Who may see and change a CPTS's on-call rota: the one rule, used by the API, the pages, the
exports and the CSV import.

* **see** the rota (who is on call, free places, phone numbers): the CPTS's signed-in
  professionals (members), its coordinator, an ARS officer of its région, an admin;
* **manage** it (create, assign, swap, generate, import, delete shifts): its coordinator or an
  admin;
* **change a shift's free places** (−1 / +1 / complet): the shift's holder, the coordinator,
  an admin; a **reservation** (one place taken for a patient) by anyone who may see the rota
  and is a professional, the coordinator or an admin. An ARS officer sees, never books.

Anonymous callers get 401 (sign in), others outside the rule 403.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Forbidden, Unauthorized
from ...models import Cpts, CptsMember

SIGN_IN = "Connectez-vous pour voir les astreintes de la CPTS."


def _signed_in(principal) -> bool:
    return principal is not None and not getattr(principal, "is_anonymous", True)


def _is_member(session: Session, professional_id: int | None, cpts_id: int) -> bool:
    if professional_id is None:
        return False
    return session.scalar(select(CptsMember.cpts_id).where(
        CptsMember.cpts_id == cpts_id, CptsMember.professional_id == professional_id)) is not None


def _coordinates(principal, cpts_id: int) -> bool:
    return principal.is_admin or (principal.role == "coordinator"
                                  and principal.cpts_id == cpts_id)


def can_view_rota(session: Session, principal, cpts_id: int) -> bool:
    if not _signed_in(principal):
        return False
    region = member = None
    if principal.role == "ars":
        region = session.scalar(select(Cpts.region).where(Cpts.id == cpts_id))
    elif principal.role == "professional":
        member = _is_member(session, principal.professional_id, cpts_id)
    return may_view_rota(principal, cpts_id, region=region, member=bool(member))


def may_view_rota(principal, cpts_id: int, *, region: str | None, member: bool) -> bool:
    """The rule itself, on facts already read (the CPTS's région, whether the principal's
    professional is a member): for callers that read them with their own query."""
    if not _signed_in(principal):
        return False
    if _coordinates(principal, cpts_id):
        return True
    if principal.role == "ars":
        return principal.can_act_in_region(region)
    if principal.role == "professional":
        return member
    return False


def can_manage_rota(principal, cpts_id: int) -> bool:
    return _signed_in(principal) and _coordinates(principal, cpts_id)


def can_change_free_places(principal, shift) -> bool:
    if not _signed_in(principal):
        return False
    return (_coordinates(principal, shift.cpts_id)
            or (principal.role == "professional"
                and principal.professional_id == shift.professional_id))


def can_reserve(session: Session, principal, shift) -> bool:
    if not _signed_in(principal):
        return False
    if _coordinates(principal, shift.cpts_id):
        return True
    return principal.role == "professional" and _is_member(
        session, principal.professional_id, shift.cpts_id)


def _refuse(principal, message: str) -> None:
    if not _signed_in(principal):
        raise Unauthorized(SIGN_IN)
    raise Forbidden(message)


def require_view_rota(session: Session, principal, cpts_id: int, *,
                      facts: dict | None = None) -> None:
    """``facts`` (``region``, ``member``): already read by the caller, no query here."""
    allowed = (may_view_rota(principal, cpts_id, **facts) if facts is not None
               else can_view_rota(session, principal, cpts_id))
    if not allowed:
        _refuse(principal, "Les astreintes d'une CPTS ne sont visibles que par ses "
                           "professionnels, sa coordination, l'ARS de sa région et les "
                           "administrateurs.")


def require_manage_rota(principal, cpts_id: int) -> None:
    if not can_manage_rota(principal, cpts_id):
        _refuse(principal, "Seuls la coordination de la CPTS et les administrateurs "
                           "gèrent le planning des astreintes.")


def require_change_free_places(principal, shift) -> None:
    if not can_change_free_places(principal, shift):
        _refuse(principal, "Seuls le professionnel d'astreinte, la coordination de la CPTS "
                           "et les administrateurs changent les places libres.")


def require_reserve(session: Session, principal, shift) -> None:
    if not can_reserve(session, principal, shift):
        _refuse(principal, "Seuls les professionnels de la CPTS et sa coordination "
                           "réservent une place d'astreinte.")
