"""Where is the address a person typed? One behaviour for every search (API, pages, maps).

The typed text goes through the cache, then the BAN. A known address gives its point; one the
BAN does not know (or places below ``ban_min_score``) is a 422 on the field. When the BAN cannot
be reached, the database answers what it can: a commune named in the text, or the commune of a
postcode known from practice sites, cached answers or the arrondissement rule of Paris, Lyon and
Marseille, at the commune's point; only when nothing answers is it a 503. Nothing is cached
then, so the next search asks the BAN again.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import ServiceUnavailable, ValidationFailed
from ...geocoding import BanClient, GeocodingUnavailable
from ...models import CITY_ARRONDISSEMENTS
from .cache import client_for, geocode_cached
from .placement import commune_point

log = logging.getLogger(__name__)

_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
#: Postcode prefix of a big city → its arrondissement codes' prefix: 75014 → 75114,
#: 69003 → 69383, 13008 → 13208.
_CITY_POSTCODES = (("750", "751"), ("6900", "6938"), ("130", "132"))

NOT_FOUND = "Adresse introuvable : vérifiez-la ou ajoutez le code postal."
UNAVAILABLE = ("Service d'adresses momentanément indisponible : précisez le code postal ou "
               "la commune, réessayez plus tard ou indiquez une position.")


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    label: str
    source: str  # "ban" (the address) | "commune" (the database's fallback)


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
    return Located(result.lat, result.lon, result.label or address, "ban")


def _city_codes(postcode: str) -> list[str]:
    for prefix, arrondissement in _CITY_POSTCODES:
        if postcode.startswith(prefix):
            candidate = arrondissement + postcode[len(prefix):]
            if any(candidate in codes for codes in CITY_ARRONDISSEMENTS.values()):
                return [candidate]
    return []


_POSTCODE_COMMUNES = text("""
    SELECT code FROM (
      SELECT commune_code AS code, count(*) AS n FROM practice_site
      WHERE postcode = :pc AND commune_code IS NOT NULL GROUP BY commune_code
      UNION ALL
      SELECT citycode, count(*) FROM geocode_cache
      WHERE postcode = :pc AND citycode IS NOT NULL GROUP BY citycode) s
    WHERE code IN (SELECT code FROM commune WHERE geom IS NOT NULL)
    GROUP BY code ORDER BY sum(n) DESC, code
""")

_NAMED = text("""
    SELECT code, name FROM commune
    WHERE unaccent_lower(name) = ANY(SELECT unaccent_lower(p) FROM unnest(CAST(:parts AS text[])) p)
      AND code <> ALL(:cities) AND geom IS NOT NULL
    ORDER BY code
""")


def postcode_communes(session: Session, postcode: str) -> list[str]:
    """The communes of a postcode the database knows (from practice sites, cached answers and
    the arrondissement rule of Paris, Lyon and Marseille), the most used first."""
    return _city_codes(postcode) + list(session.scalars(_POSTCODE_COMMUNES, {"pc": postcode}))


#: "Saint-Martin (06)", as the address autocomplete names a commune whose name is not unique.
_NAME_IN_DEPARTEMENT = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<dep>\d[\dAB]{1,2})\)$")
_NAMED_IN = text("""
    SELECT code, name FROM commune
    WHERE unaccent_lower(name) = unaccent_lower(:name) AND departement = :dep
      AND code <> ALL(:cities) AND geom IS NOT NULL ORDER BY code
""")


def known_place(session: Session, address: str) -> Located | None:
    """A commune of the database matching the typed text, at its point; None when none does
    (or when several communes share the name and no postcode or département decides)."""
    match = _POSTCODE.search(address)
    candidates: list[str] = []
    if match:
        candidates = postcode_communes(session, match.group(1))
    in_departement = _NAME_IN_DEPARTEMENT.match(address.strip())
    if in_departement:
        candidates += [code for code, _ in session.execute(_NAMED_IN, {
            "name": in_departement["name"], "dep": in_departement["dep"].upper(),
            "cities": list(CITY_ARRONDISSEMENTS)}).all()]
    parts = [p.strip() for p in re.split(r"[,;\n]", _POSTCODE.sub(" ", address)) if p.strip()]
    names = dict(session.execute(_NAMED, {"parts": parts,
                                          "cities": list(CITY_ARRONDISSEMENTS)}).all())
    # A commune both named and matching the postcode first, then the postcode's, then the name
    # alone when it is unambiguous.
    ordered = [c for c in candidates if c in names] + candidates
    if len(names) == 1:
        ordered += list(names)
    for code in dict.fromkeys(ordered):
        point = commune_point(session, code)
        if point is not None:
            label = names.get(code) or session.scalar(
                text("SELECT name FROM commune WHERE code = :c"), {"c": code})
            return Located(point[0], point[1], label, "commune")
    return None
