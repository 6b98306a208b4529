"""The MapperError hierarchy and the one error handler of the application.

An exception carries its HTTP status, a user-safe ``detail`` (shown to the client) kept apart
from ``log_message`` (only logged), and optional field-level ``errors``. The handler renders
``application/problem+json`` (RFC 9457) for ``/api/`` requests and a French HTML page otherwise.
A 500 never shows a stack trace or SQL: the client gets a generic text and an incident id that
is also in the log.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    413: "Contenu trop volumineux",
    415: "Type de contenu non pris en charge",
    422: "Données invalides",
    429: "Trop de requêtes",
    500: "Erreur interne",
    503: "Service indisponible",
}


class MapperError(Exception):
    """Base of every error the application raises on purpose."""

    status = 500
    slug = "internal-error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: dict[str, Any] | None = None,
        log_message: str | None = None,
        extra: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        self.detail = detail or TITLES.get(self.status, "Erreur")
        self.errors = errors
        self.log_message = log_message or self.detail
        self.extra = extra or {}
        if slug:
            self.slug = slug
        super().__init__(self.log_message)


class BadRequest(MapperError):
    status, slug = 400, "bad-request"


class Unauthorized(MapperError):
    status, slug = 401, "unauthorized"


class Forbidden(MapperError):
    status, slug = 403, "forbidden"


class NotFound(MapperError):
    status, slug = 404, "not-found"


class Conflict(MapperError):
    status, slug = 409, "conflict"


class PayloadTooLarge(MapperError):
    status, slug = 413, "payload-too-large"


class ValidationFailed(MapperError):
    """422 with field-level reasons: ``errors = {"field": ["reason", ...]}``."""

    status, slug = 422, "validation-failed"


class TooManyRequests(MapperError):
    status, slug = 429, "too-many-requests"


class ServiceUnavailable(MapperError):
    status, slug = 503, "service-unavailable"


def field_error(field: str, reason: str, **extra: Any) -> ValidationFailed:
    """Shortcut for the common case of one bad field."""
    return ValidationFailed(f"{field}: {reason}", errors={field: [reason]}, extra=extra)


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", PROBLEM_JSON])
    return best in ("application/json", PROBLEM_JSON)


def problem(status: int, detail: str, *, slug: str, errors: Any = None,
            extra: dict | None = None, headers: dict | None = None) -> Response:
    title = TITLES.get(status, "Erreur")
    if _wants_json():
        body: dict[str, Any] = {
            "type": f"urn:carto-cpts:problem:{slug}",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.path,
        }
        if errors:
            body["errors"] = errors
        for key, value in (extra or {}).items():
            body.setdefault(key, value)
        resp = jsonify(body)
        resp.mimetype = PROBLEM_JSON
    else:
        resp = Response(
            render_template("errors/error.html", status=status, title=title, detail=detail,
                            errors=errors),
            mimetype="text/html",
        )
    resp.status_code = status
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _webargs_errors(exc: HTTPException) -> dict | None:
    """flask-smorest/webargs put marshmallow messages in ``exc.data['messages']``."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if not messages:
        return None
    flat: dict[str, Any] = {}
    for location, fields in messages.items():  # {"json": {"name": ["..."]}}
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields  # {"json": ["Invalid JSON body."]}
    return flat


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(MapperError)
    def _mapper_error(exc: MapperError):
        if exc.status >= 500:
            log.error("%s: %s", exc.slug, exc.log_message)
        headers = {"WWW-Authenticate": 'Bearer realm="carto-cpts"'} if exc.status == 401 else None
        return problem(exc.status, exc.detail, slug=exc.slug, errors=exc.errors,
                       extra=exc.extra, headers=headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        errors = _webargs_errors(exc)
        if status == 422 and errors:
            detail = "Le corps de la requête ne respecte pas le schéma attendu."
        elif status == 413:
            detail = "Le corps de la requête dépasse la taille autorisée."
        elif status == 405:
            detail = f"La méthode {request.method} n'est pas autorisée sur cette ressource."
        elif status == 404:
            detail = "Cette adresse ne correspond à aucune ressource."
        elif status == 400 and (errors or {}).get("json") == ["Invalid JSON body."]:
            detail = "Le corps de la requête n'est pas un JSON valide."
            errors = {"body": ["JSON invalide"]}
        else:
            detail = TITLES.get(status, exc.name)
        headers = {}
        if status == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        return problem(status, detail, slug=exc.name.lower().replace(" ", "-"), errors=errors,
                       headers=headers)

    @app.errorhandler(OperationalError)
    def _db_unavailable(exc: OperationalError):
        if getattr(exc.orig, "sqlstate", None) == "57014":  # statement_timeout
            log.warning("statement timeout on %s", request.path)
            return problem(503, "La requête a pris trop de temps ; réessayez plus tard.",
                           slug="statement-timeout", headers={"Retry-After": "5"})
        log.error("database unavailable: %s", exc)
        return problem(503, "La base de données est momentanément indisponible.",
                       slug="database-unavailable", headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        incident = uuid.uuid4().hex[:12]
        log.exception("unhandled error, incident %s", incident)
        return problem(500, f"Une erreur inattendue est survenue (incident {incident}).",
                       slug="internal-error", extra={"incident": incident})
