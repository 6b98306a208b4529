"""Signed-in sessions of people, kept server-side so that they can end.

The browser's signed cookie carries a random token; only its sha256 is stored. Signing out
deletes the row (a cookie captured earlier opens nothing any more), changing one's password
ends every other session, deactivating an account ends them all.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...models import Account, SigninSession

LIFETIME = timedelta(hours=8)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, account: Account) -> str:
    """A new session of the account; the token for the cookie (shown once)."""
    token = secrets.token_urlsafe(32)
    session.add(SigninSession(account_id=account.id, token_hash=_hash(token),
                              expires_at=datetime.now(timezone.utc) + LIFETIME))
    session.flush()
    return token


def session_account(session: Session, token: str | None) -> Account | None:
    """The active account of a live session, or None (unknown, ended, expired, deactivated)."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    return session.scalar(
        select(Account).join(SigninSession, SigninSession.account_id == Account.id)
        .where(SigninSession.token_hash == _hash(token), Account.active.is_(True),
               SigninSession.expires_at > datetime.now(timezone.utc)))


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(SigninSession).where(SigninSession.token_hash == _hash(token)))


def close_sessions(session: Session, account_id: int, keep: str | None = None) -> int:
    """End every session of the account (but ``keep``); how many ended."""
    query = delete(SigninSession).where(SigninSession.account_id == account_id)
    if keep:
        query = query.where(SigninSession.token_hash != _hash(keep))
    return session.execute(query).rowcount
