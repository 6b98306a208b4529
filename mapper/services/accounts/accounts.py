"""Creating accounts and their first API token."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...auth.tokens import issue_token
from ...errors import Conflict, ValidationFailed
from ...models import Account, Cpts, Professional
from ...reference import REGIONS
from ...schemas.fields import EMAIL_RE, INT4_MAX
from ...vocab import ROLES
from .. import audit


def _exists(session: Session, model, ident) -> bool:
    """Whether a row has this id (an id no ``integer`` column holds does not exist)."""
    return (isinstance(ident, int) and 1 <= ident <= INT4_MAX
            and session.get(model, ident) is not None)


def create_account(session: Session, *, email: str, role: str, regions=(), cpts_id=None,
                   professional_id=None, actor="cli") -> tuple[Account, str]:
    """Validate the scope that goes with the role, store the account, return it with a token."""
    errors: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        errors["email"] = ["adresse e-mail invalide"]
    if role not in ROLES:
        errors["role"] = [f"rôle inconnu ; attendu : {', '.join(ROLES)}"]
    regions = sorted(set(regions or ()))
    bad = [r for r in regions if r not in REGIONS]
    if bad:
        errors["region"] = [f"code région inconnu : {', '.join(bad)}"]
    if role == "ars" and not regions:
        errors["region"] = ["un compte ars doit avoir au moins une région"]
    if role == "coordinator" and cpts_id is None:
        errors["cpts"] = ["un compte coordinator doit être rattaché à une CPTS"]
    if role == "professional" and professional_id is None:
        errors["professional"] = ["un compte professional doit être rattaché à sa fiche"]
    if cpts_id is not None and "cpts" not in errors and not _exists(session, Cpts, cpts_id):
        errors["cpts"] = [f"CPTS inconnue : {cpts_id}"]
    if (professional_id is not None and "professional" not in errors
            and not _exists(session, Professional, professional_id)):
        errors["professional"] = [f"fiche inconnue : {professional_id}"]
    if errors:
        raise ValidationFailed("Compte invalide.", errors=errors)
    if session.scalar(select(func.count()).select_from(Account).where(Account.email == email)):
        raise Conflict(f"Un compte existe déjà pour {email}.", errors={"email": ["déjà utilisé"]})
    account = Account(email=email, role=role, regions=regions, cpts_id=cpts_id,
                      professional_id=professional_id)
    session.add(account)
    session.flush()
    token = issue_token(session, account, label="created by users create")
    audit.record(session, actor, "account.create", "account", account.id,
                 after={"email": email, "role": role, "regions": regions, "cpts_id": cpts_id,
                        "professional_id": professional_id})
    return account, token
