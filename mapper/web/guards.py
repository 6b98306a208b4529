"""Role checks of the pages and the French form-error plumbing shared by the page blueprints.

Anonymous visitors of a page that needs an account are sent to the sign-in page (GET) with the
page to come back to; anything else anonymous is a 401 page. A signed-in person without the role
or the scope gets the French 403 page (``Forbidden`` through the one error handler).
"""
from __future__ import annotations

import functools

from flask import redirect, request, url_for

from ..http.principal import current_principal
from ..errors import Forbidden, Unauthorized


def _next_target() -> str:
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def page_roles(*roles: str):
    """Decorator for pages: redirect to /connexion (GET) or 401 when anonymous; 403 when the
    role is not one of ``roles``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal.is_anonymous:
                if request.method == "GET":
                    return redirect(url_for("account.login", next=_next_target()))
                raise Unauthorized("Connectez-vous pour accéder à cette page.")
            if roles and principal.role not in roles:
                raise Forbidden("Votre compte ne donne pas accès à cette page.")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def field_errors(exc, mapping=None, default: str | None = None) -> dict[str, list[str]]:
    """A service's ValidationFailed/Conflict errors keyed by the form's field names.

    ``mapping`` maps a service field (or its prefix before the first dot) to a form field;
    fields not mapped go to ``default`` (or keep their name).
    """
    mapping = mapping or {}
    out: dict[str, list[str]] = {}
    for key, reasons in (exc.errors or {}).items():
        target = mapping.get(key) or mapping.get(key.split(".")[0]) or default or key
        if isinstance(reasons, str):
            reasons = [reasons]
        elif isinstance(reasons, dict):
            reasons = list(reasons.values())
        # a str stays itself: a Message keeps its msgid for the page's language
        out.setdefault(target, []).extend(r if isinstance(r, str) else str(r) for r in reasons)
    if not out:
        out[default or "_form"] = [exc.detail]
    return out
