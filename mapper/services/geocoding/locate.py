"""Where is the address a person typed? One behaviour for every search (API, pages, maps).

The typed text goes through the cache, then the BAN. A known address gives its point; one the
BAN does not know (or places below ``ban_min_score``) is a 422 on the field. When the BAN cannot
be reached, the database answers what it can (``services.places.place_in_text``): a commune
named in the text, tolerantly (« St Jeannet », « Paris 14e », a typo clearly closest to one
name), or the commune of a postcode (La Poste's file; else practice sites, cached answers or the
arrondissement rule of Paris, Lyon and Marseille), at the commune's point, labelled
``source="commune"`` (an approximate position); only when nothing answers is it a 503. Nothing is cached
then, so the next search asks the BAN again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...errors import ServiceUnavailable, ValidationFailed
from ...messages import N_
from ...geocoding import BanClient, GeocodingUnavailable
from ..places import find_place, place_in_text
from .cache import client_for, geocode_cached
from .placement import commune_point

log = logging.getLogger(__name__)

NOT_FOUND = N_("Adresse introuvable : vérifiez-la ou ajoutez le code postal.")
UNAVAILABLE = N_("Service d'adresses momentanément indisponible : précisez le code postal ou "
                 "la commune, réessayez plus tard ou indiquez une position.")


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    label: str
    source: str  # "ban" (the address) | "commune" (the database's fallback)
    kind: str = ""  # the BAN result type (housenumber, street, municipality…), "" otherwise


def locate(session: Session, settings, address: str, *, client: BanClient | None = None,
           field: str = "address") -> Located:
    """The point of a typed address. Raises ValidationFailed (unknown address) or
    ServiceUnavailable (the BAN is unreachable and the database knows no matching commune),
    both naming ``field``. The caller commits, to keep the cached answer."""
    try:
        result = geocode_cached(session, client or client_for(settings), address)
    except GeocodingUnavailable as exc:
        log.warning("geocoding unavailable, trying the known communes: %s", exc)
        found = known_place(session, address)
        if found is None:
            raise ServiceUnavailable(
                "Le service de géocodage est injoignable et aucune commune connue ne "
                "correspond à cette adresse.", errors={field: [UNAVAILABLE]},
                log_message=f"geocoding unavailable: {exc}") from exc
        return found
    if result is None or result.score < settings.ban_min_score:
        raise ValidationFailed("Adresse introuvable.", errors={field: [NOT_FOUND]})
    return Located(result.lat, result.lon, result.label or address, "ban", result.type or "")


def known_place(session: Session, address: str) -> Located | None:
    """The commune the typed text names (``places.place_in_text``: tolerant names,
    arrondissement forms, postcodes from La Poste's file or what the database knows), at its
    point; None when none does (or homonyms remain and no postcode decides)."""
    typed = find_place(session, address)  # « Saint-Martin (65) », as a suggestion names it
    place = typed.match if typed.status == "found" else place_in_text(session, address)
    if place is None:
        return None
    point = commune_point(session, place.code)
    if point is None:
        return None
    return Located(point[0], point[1], place.name, "commune")
