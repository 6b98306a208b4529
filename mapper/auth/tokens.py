"""API tokens: 256-bit random, shown once, stored as sha256 (a slow hash buys nothing here)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Account, ApiToken

PREFIX = "cpts_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, account: Account, label: str | None = None) -> str:
    token = new_token()
    session.add(ApiToken(account=account, token_hash=hash_token(token), label=label))
    session.flush()
    return token


#: « Last used » is kept to the minute: a token used again within it costs no write.
LAST_USED_STEP = timedelta(minutes=1)


def account_for_token(session: Session, token: str) -> Account | None:
    """The active account of a valid, unrevoked token; its « last used » is brought up to date
    (in the request's transaction, which ``http.principal`` commits before the view) when it
    is more than ``LAST_USED_STEP`` old: a token used many times a minute costs no write."""
    row = session.execute(
        select(ApiToken.id, ApiToken.last_used_at, Account)
        .join(Account, Account.id == ApiToken.account_id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None),
               Account.active.is_(True))
    ).first()
    if row is None:
        return None
    now = datetime.now(timezone.utc)
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_STEP:
        session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return row.Account
