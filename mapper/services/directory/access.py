"""Who may see and change a directory entry: the one access rule, used by the API, the pages
and every export.

Who may write an entry: an admin, the coordinator of a CPTS the professional belongs to, or the
professional's own account (``Account.professional_id``). Everyone else reads the public view:
never the private phone, the e-mail unless ``public_email``, nor account, source or audit data.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Forbidden
from ...models import CptsMember

#: What colleagues may see and the public never (issue 17; the rule: ``colleague_access``).
PROFESSIONAL_ONLY_FIELDS = ("private_phone", "mssante", "referral_preference", "takes_referrals",
                            "colleague_note")
PRIVATE_FIELDS = (*PROFESSIONAL_ONLY_FIELDS, "email", "external_ref", "source", "created_at",
                  "updated_at")
#: How a site was placed on the map: for those who keep the entry, not for the public.
SITE_PRIVATE_FIELDS = ("geocode_status", "geocode_source", "geocode_score")


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


def require_edit(session: Session, principal, professional_id: int) -> None:
    if not can_edit(session, principal, professional_id):
        raise Forbidden("Seuls un administrateur, le coordinateur d'une CPTS dont ce "
                        "professionnel est membre, ou le professionnel lui-même peuvent "
                        "modifier cette fiche.")


def public_view(private: dict) -> dict:
    """Drop what anonymous readers must not see (private phone, non-public e-mail…)."""
    out = {k: v for k, v in private.items() if k not in PRIVATE_FIELDS}
    if private.get("public_email"):
        out["email"] = private.get("email")
    out["sites"] = [{k: v for k, v in s.items()
                     if k not in SITE_PRIVATE_FIELDS}
                    for s in private["sites"]]
    return out


def can_manage_place(principal, cpts_id: int | None) -> bool:
    """Places (and their closures) are kept by an admin, or by the coordinator of the CPTS
    that lists the place; a place listed by no CPTS only by an admin."""
    if principal is None or getattr(principal, "is_anonymous", True):
        return False
    if principal.is_admin:
        return True
    return (principal.role == "coordinator" and cpts_id is not None
            and principal.cpts_id == cpts_id)


def require_manage_place(principal, cpts_id: int | None) -> None:
    if principal is not None and not can_manage_place(principal, cpts_id):
        raise Forbidden("Seuls un administrateur ou le coordinateur de la CPTS qui référence ce "
                        "lieu peuvent le modifier.")
