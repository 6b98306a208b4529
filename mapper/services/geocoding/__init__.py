"""Geocoding in the services: the cache in front of the BAN, placing sites on write, batch
geocoding, and locating what a person typed (with the database as fallback)."""
from .batch import TO_GEOCODE, apply_cache_to_sites, commune_points_for_unlocated, geocode_missing
from .cache import cache_lookup, cache_store, client_for, geocode_cached
from .locate import Located, known_place, locate
from .placement import Placement, commune_at, commune_point, place_site

__all__ = [
    "Located", "Placement", "TO_GEOCODE", "apply_cache_to_sites", "cache_lookup", "cache_store",
    "client_for", "commune_at", "commune_point", "commune_points_for_unlocated",
    "geocode_cached", "geocode_missing", "known_place", "locate", "place_site",
]
