"""The principal of the current request: a bearer token (API) or the signed-in session (pages).

Resolved once per request and kept in ``flask.g``. ``require_role`` guards API views (401
when anonymous, 403 out of role); the pages have their own guard (``web.guards.page_roles``).
"""
from __future__ import annotations

import functools

from flask import g, request
from flask import session as cookie

from ..auth.principal import ANONYMOUS, Principal
from ..auth.tokens import account_for_token
from ..db import get_session
from ..errors import Forbidden, Unauthorized
from ..services.accounts.sessions import session_account


def _resolve() -> Principal:
    header = request.headers.get("Authorization", "")
    if not header:
        return _from_login_session()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("En-tête Authorization invalide : utilisez « Bearer <jeton> ».")
    account = account_for_token(get_session(), token.strip())
    if account is None:
        raise Unauthorized("Jeton d'API invalide ou révoqué.")
    return Principal.from_account(account)


def _from_login_session() -> Principal:
    """People signed in through the web pages. Never for /api/: the API takes tokens only, so
    a browser's cookie cannot be ridden by another site (CSRF) against the API."""
    if request.path.startswith("/api/"):
        return ANONYMOUS
    token = cookie.get("sid")
    if not token:
        return ANONYMOUS
    account = session_account(get_session(), token)
    if account is None:  # signed out elsewhere, password changed, expired or deactivated
        cookie.clear()
        return ANONYMOUS
    return Principal.from_account(account)


def resolve_bearer_early() -> None:
    """``before_request``: a bearer token is resolved before any view runs and its « last
    used » committed then, so that it holds when the request only reads or fails, and nothing
    of the view's own work is ever committed with it."""
    if not request.headers.get("Authorization"):
        return
    try:
        current_principal()
    except Unauthorized:
        return  # a view that needs the principal answers 401 itself; others never look
    get_session().commit()


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
