"""The one error handler of the application: problem+json (RFC 9457) or a French page.

``application/problem+json`` for ``/api/`` requests (and clients that ask for JSON), a French
HTML page otherwise. A 500 never shows a stack trace or SQL: the client gets a generic text and
an incident id that is also in the log.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..errors import TITLES, MapperError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/ogc" \
            or request.path.startswith("/ogc/"):  # OGC API – Features: JSON exceptions
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
    """flask-smorest/webargs put marshmallow messages in ``exc.data['messages']``, by location
    (``{"json": {"name": ["..."]}}``): the fields of every location, as marshmallow nests them."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if not messages:
        return None
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
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
        headers = dict(exc.headers)
        if exc.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="carto-cpts"'
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
