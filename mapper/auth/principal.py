"""Who is making the request, and what they may touch.

A ``Principal`` is resolved once per request from ``Authorization: Bearer <token>``. Views ask
it scope questions (``can_act_in_region``, ``can_manage_cpts``…); services stay free of Flask.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import g, request

from ..errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Principal:
    account_id: int | None = None
    email: str | None = None
    role: str | None = None  # None: anonymous
    regions: frozenset[str] = field(default_factory=frozenset)
    cpts_id: int | None = None
    professional_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return "anonymous" if self.is_anonymous else f"account:{self.account_id} ({self.email})"

    def can_act_in_region(self, region: str | None) -> bool:
        return self.is_admin or (self.role == "ars" and region in self.regions)

    def can_manage_cpts(self, cpts_id: int, region: str | None) -> bool:
        return (self.can_act_in_region(region)
                or (self.role == "coordinator" and self.cpts_id == cpts_id))

    @classmethod
    def from_account(cls, account) -> "Principal":
        return cls(account_id=account.id, email=account.email, role=account.role,
                   regions=frozenset(account.regions or ()), cpts_id=account.cpts_id,
                   professional_id=account.professional_id)


ANONYMOUS = Principal()


def _resolve() -> Principal:
    header = request.headers.get("Authorization", "")
    if not header:
        return _from_login_session()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("En-tête Authorization invalide : utilisez « Bearer <jeton> ».")
    from ..db import get_session
    from .tokens import account_for_token

    account = account_for_token(get_session(), token.strip())
    if account is None:
        raise Unauthorized("Jeton d'API invalide ou révoqué.")
    return Principal.from_account(account)


def _from_login_session() -> Principal:
    """People signed in through the web pages. Never for /api/: the API takes tokens only, so
    a browser's cookie cannot be ridden by another site (CSRF) against the API."""
    if request.path.startswith("/api/"):
        return ANONYMOUS
    from flask import session as cookie

    account_id = cookie.get("account_id")
    if not account_id:
        return ANONYMOUS
    from ..db import get_session
    from ..models import Account

    account = get_session().get(Account, account_id)
    if account is None or not account.active:
        cookie.clear()
        return ANONYMOUS
    return Principal.from_account(account)


def current_principal() -> Principal:
    if "principal" not in g:
        g.principal = _resolve()
    return g.principal


def require_auth() -> Principal:
    principal = current_principal()
    if principal.is_anonymous:
        raise Unauthorized("Cette opération demande un jeton d'API (Authorization: Bearer …).")
    return principal


def require_role(*roles: str):
    """Decorator: 401 when anonymous, 403 when the role is not among ``roles``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = require_auth()
            if principal.role not in roles:
                raise Forbidden("Votre rôle ne permet pas cette opération.")
            return view(*args, **kwargs)

        return wrapper

    return decorator
