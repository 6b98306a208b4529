"""Sign-in use cases: password check with rate limiting, one-time links, setting a password."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...auth.passwords import hash_password, password_problems, verify_password
from ...errors import NotFound, ValidationFailed
from ...models import Account
from ...models.signin import LoginAttempt, SigninLink
from .. import audit
from . import throttle
from .sessions import close_sessions

LINK_LIFETIME = timedelta(hours=24)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def authenticate(session: Session, email: str, password: str, ip: str) -> Account | None:
    """The account when the password is right; None otherwise. 429 (with Retry-After) while
    the (e-mail, IP) pair or the IP must wait (``throttle``).

    The caller commits even when the sign-in fails: the attempt and the throttle hold.
    """
    email = (email or "").strip().lower()[:320]
    ip = (ip or "unknown")[:64]
    throttle.check(session, email, ip)
    account = session.scalar(select(Account).where(Account.email == email,
                                                   Account.active.is_(True)))
    ok = verify_password(account.password_hash if account else None, password)
    session.add(LoginAttempt(email=email, ip=ip, success=ok))
    throttle.record(session, email, ip, ok)
    if ok:
        audit.record(session, f"account:{account.id} ({account.email})", "account.signin",
                     "account", account.id)
        return account
    return None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_signin_link(session: Session, email: str, actor="cli") -> tuple[Account, str]:
    account = session.scalar(select(Account).where(Account.email == email.strip().lower()))
    if account is None:
        raise NotFound(f"Aucun compte pour {email}.")
    token = secrets.token_urlsafe(32)
    session.add(SigninLink(account_id=account.id, token_hash=_hash(token),
                           expires_at=_now() + LINK_LIFETIME))
    audit.record(session, actor, "account.invite", "account", account.id)
    return account, token


def use_signin_link(session: Session, token: str) -> Account | None:
    """Consume the link (once, before expiry); the account, or None when invalid."""
    link_id = session.scalar(
        update(SigninLink)
        .where(SigninLink.token_hash == _hash(token), SigninLink.used_at.is_(None),
               SigninLink.expires_at > _now())
        .values(used_at=_now()).returning(SigninLink.id)
    )
    if link_id is None:
        return None
    account = session.scalar(select(Account).join(SigninLink, SigninLink.account_id == Account.id)
                             .where(SigninLink.id == link_id, Account.active.is_(True)))
    if account is not None:
        audit.record(session, f"account:{account.id} ({account.email})", "account.signin_link",
                     "account", account.id)
    return account


def set_password(session: Session, account_id: int, password: str, confirm: str) -> Account:
    """A new password; every session of the account ends (the caller opens one for itself)."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound("Compte introuvable.")
    errors = password_problems(password, account.email)
    if password != confirm:
        errors.append("les deux saisies diffèrent")
    if errors:
        raise ValidationFailed("Mot de passe refusé : " + ", ".join(errors) + ".",
                               errors={"password": errors})
    account.password_hash = hash_password(password)
    ended = close_sessions(session, account.id)
    audit.record(session, f"account:{account.id} ({account.email})", "account.password",
                 "account", account.id, after={"sessions_ended": ended})
    return account
