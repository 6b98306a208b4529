"""CSRF protection for every form: a per-session secret, checked on each unsafe method.

The API is exempt because it only accepts bearer tokens (never cookies); embed pages are
read-only. Comparison is constant-time.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session

from ..errors import MapperError

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class CsrfRejected(MapperError):
    status, slug = 400, "csrf"


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check():
        # /fhir and /ogc are read-only (no cookie-authenticated writes): their writes answer 405.
        if request.method not in UNSAFE or request.path.startswith(("/api/", "/fhir/", "/ogc/")) \
                or request.path == "/ogc":
            return None
        expected = session.get("csrf")
        given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
        if not expected or not hmac.compare_digest(expected, given):
            raise CsrfRejected("Formulaire expiré ou invalide : rechargez la page et réessayez.")
        return None
