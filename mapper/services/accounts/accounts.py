"""Creating accounts and their first API token."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ...auth.tokens import issue_token
from ...errors import Conflict, NotFound, ValidationFailed
from ...models import Account, ApiToken, Cpts, Professional
from ...reference import REGIONS
from ...schemas.fields import EMAIL_RE, INT4_MAX
from ...vocab import ROLES
from .. import audit
from .sessions import close_sessions


def _exists(session: Session, model, ident) -> bool:
    """Whether a row has this id (an id no ``integer`` column holds does not exist)."""
    return (isinstance(ident, int) and 1 <= ident <= INT4_MAX
            and session.get(model, ident) is not None)


def create_account(session: Session, *, email: str, role: str, regions=(), cpts_id=None,
                   professional_id=None, actor="cli",
                   with_token: bool = True) -> tuple[Account, str | None]:
    """Validate the scope that goes with the role, store the account, return it with a token
    (none when ``with_token`` is false: an invited person signs in by link, not by token)."""
    errors: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        errors["email"] = ["adresse e-mail invalide"]
    elif len(email) > Account.__table__.c.email.type.length:
        errors["email"] = [f"{Account.__table__.c.email.type.length} caractères au plus"]
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
    token = issue_token(session, account, label="created by users create") if with_token else None
    audit.record(session, actor, "account.create", "account", account.id,
                 after={"email": email, "role": role, "regions": regions, "cpts_id": cpts_id,
                        "professional_id": professional_id})
    return account, token


# -- managing accounts and tokens (administrators, ``mapper users`` / ``mapper tokens``) -----

def get_account(session: Session, ref) -> Account:
    """An account by id or e-mail; NotFound otherwise."""
    key = str(ref).strip().lower()
    account = None
    if key.isascii() and key.isdecimal() and len(key) < 10:
        account = session.get(Account, int(key))
    if account is None:
        account = session.scalar(select(Account).where(Account.email == key))
    if account is None:
        raise NotFound(f"Compte inconnu : {ref}.")
    return account


def account_view(account: Account) -> dict:
    return {"id": account.id, "email": account.email, "role": account.role,
            "regions": list(account.regions or []), "cpts": account.cpts_id,
            "professional": account.professional_id, "active": account.active}


def token_views(session: Session, account: Account) -> list[dict]:
    rows = session.scalars(select(ApiToken).where(ApiToken.account_id == account.id)
                           .order_by(ApiToken.id))
    return [{"id": t.id, "label": t.label, "created_at": _iso(t.created_at),
             "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
            for t in rows]


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _not_oneself(actor, account: Account, what: str) -> None:
    """An administrator cannot lock themselves out through the API (another admin, or the
    command line, can)."""
    if getattr(actor, "account_id", None) == account.id:
        raise Conflict(f"Vous ne pouvez pas {what} votre propre compte.",
                       errors={"account": ["votre propre compte"]})


def revoke_tokens(session: Session, account: Account, actor="cli",
                  token_id: int | None = None) -> int:
    """Revoke the account's live tokens (or one); how many. A revoked token opens nothing."""
    _not_oneself(actor, account, "révoquer les jetons de")
    query = (update(ApiToken).where(ApiToken.account_id == account.id,
                                    ApiToken.revoked_at.is_(None))
             .values(revoked_at=datetime.now(timezone.utc)))
    if token_id is not None:
        if session.scalar(select(ApiToken.id).where(ApiToken.id == token_id,
                                                    ApiToken.account_id == account.id)) is None:
            raise NotFound(f"Jeton inconnu : {token_id}.")
        query = query.where(ApiToken.id == token_id)
    revoked = session.execute(query).rowcount
    audit.record(session, actor, "account.tokens_revoke", "account", account.id,
                 after={"revoked": revoked, "token_id": token_id})
    return revoked


def issue_account_token(session: Session, account: Account, actor="cli",
                        label: str | None = None) -> tuple[int, str]:
    """A new API token for an active account: (its id, the token, shown once)."""
    if not account.active:
        raise Conflict("Ce compte est désactivé.", errors={"account": ["compte désactivé"]})
    token = issue_token(session, account, label=(label or "")[:200] or None)
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.account_id == account.id)
                              .order_by(ApiToken.id.desc()).limit(1))
    audit.record(session, actor, "account.token_issue", "account", account.id,
                 after={"token_id": token_id})
    return token_id, token


def deactivate_account(session: Session, account: Account, actor="cli") -> dict:
    """No more sign-in: sessions end, tokens are revoked; the row stays for the audit trail
    (and the entry of a professional's account may then be deleted)."""
    _not_oneself(actor, account, "désactiver")
    account.active = False
    ended = close_sessions(session, account.id)
    revoked = revoke_tokens(session, account, actor)
    audit.record(session, actor, "account.deactivate", "account", account.id,
                 after={"sessions_ended": ended, "tokens_revoked": revoked})
    return account_view(account)
