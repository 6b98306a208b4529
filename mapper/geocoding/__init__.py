"""Geocoding of practice-site addresses against the BAN (Base Adresse Nationale).

Pure client code: no database, no Flask. Services decide when to geocode (on write or in batch)
and cache results under :func:`normalise_address` keys; pages never geocode.
"""
from .ban import DEFAULT_BASE_URL, BanClient, geocode, geocode_batch
from .errors import GeocodingError, GeocodingQueryError, GeocodingUnavailable
from .normalise import normalise_address
from .ratelimit import TokenBucket, limiter_for
from .results import PRECISION_BY_TYPE, AddressRow, GeocodeResult, Suggestion

__all__ = [
    "DEFAULT_BASE_URL", "BanClient", "geocode", "geocode_batch",
    "GeocodingError", "GeocodingQueryError", "GeocodingUnavailable",
    "normalise_address", "TokenBucket", "limiter_for",
    "PRECISION_BY_TYPE", "AddressRow", "GeocodeResult", "Suggestion",
]
