"""The MapperError hierarchy: what every layer raises on purpose. No Flask here.

An exception carries its HTTP status, a user-safe ``detail`` (shown to the client) kept apart
from ``log_message`` (only logged), and optional field-level ``errors``. The one handler that
turns them into responses (problem+json or a French page) is ``mapper.http.problems``.
"""
from __future__ import annotations

from typing import Any

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
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = detail or TITLES.get(self.status, "Erreur")
        #: Response headers the error implies (``Retry-After`` of a 429…).
        self.headers = headers or {}
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
