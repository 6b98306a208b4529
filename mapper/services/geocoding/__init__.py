"""Geocoding in the services: the cache in front of the BAN, placing sites on write, batch
geocoding, locating what a person typed (with the database as fallback), and suggesting
addresses while a person types (autocomplete)."""
from .batch import TO_GEOCODE, apply_cache_to_sites, commune_points_for_unlocated, geocode_missing
from .cache import cache_lookup, cache_store, client_for, geocode_cached
from .locate import Located, known_place, locate
from .placement import Placement, commune_at, commune_point, place_site
from .suggest import (APPROXIMATE_NOTE, MAX_LIMIT, TYPES, AddressSuggestion, Suggestions,
                      suggest_addresses)

__all__ = [
    "Located", "Placement", "TO_GEOCODE", "apply_cache_to_sites", "cache_lookup", "cache_store",
    "client_for", "commune_at", "commune_point", "commune_points_for_unlocated",
    "geocode_cached", "geocode_missing", "known_place", "locate", "place_site",
    "APPROXIMATE_NOTE", "MAX_LIMIT", "TYPES", "AddressSuggestion", "Suggestions",
    "suggest_addresses",
]
