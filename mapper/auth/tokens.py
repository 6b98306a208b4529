"""API tokens: 256-bit random, shown once, stored as sha256 (a slow hash buys nothing here)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

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


def account_for_token(session: Session, token: str) -> Account | None:
    row = session.execute(
        select(ApiToken.id, Account)
        .join(Account, Account.id == ApiToken.account_id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None),
               Account.active.is_(True))
    ).first()
    if row is None:
        return None
    session.execute(
        update(ApiToken).where(ApiToken.id == row[0])
        .values(last_used_at=datetime.now(timezone.utc))
    )
    return row[1]
