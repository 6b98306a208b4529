"""Geocoding failures, kept apart from geopy's so callers depend on this package only."""
from __future__ import annotations


class GeocodingError(Exception):
    """Base class: the geocoder could not give an answer."""


class GeocodingUnavailable(GeocodingError):
    """The service is unreachable, timed out, overloaded (5xx/429) or answered garbage.

    Transient by nature: callers keep the address and retry later rather than store "not found".
    """

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class GeocodingQueryError(GeocodingError):
    """The service rejected the query itself (HTTP 400): retrying the same input will not help."""
