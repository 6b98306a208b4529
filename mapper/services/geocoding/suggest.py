"""Address autocomplete: what a person typing in an address field may mean.

The BAN's ``/search`` in autocomplete mode, behind two caches: the list by normalised typed text
(``address_suggestion_cache``: the next visitor typing the same letters costs no BAN request),
and each suggestion's label in ``geocode_cache`` (choosing a suggestion and submitting the form
then geocodes from the cache, see ``locate``). The visitor's browser only ever talks to us.

When the BAN cannot be reached, the communes (and postcodes) the database knows answer, marked
``approximate``: their point is the commune's, not the address's. Those answers are not cached,
and the BAN is left alone for ``COOL_DOWN`` seconds so that each keystroke does not wait for a
timeout (the pause is per process and per BAN address).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...geocoding import (BanClient, GeocodingQueryError, GeocodingUnavailable, Suggestion,
                          normalise_address)
from ...geocoding.normalise import normalise_text
from .places import known_communes

log = logging.getLogger(__name__)

MAX_LIMIT = 10
#: What the BAN's ``type`` filter takes.
TYPES = ("housenumber", "street", "locality", "municipality")
#: Addresses change slowly; a month-old list is asked again.
FRESH_FOR = timedelta(days=30)
COOL_DOWN = 15.0
#: Shown with the database's answers (the API says it in ``note``).
APPROXIMATE_NOTE = "commune — position approximative"

_paused_until: dict[str, float] = {}
_paused_lock = threading.Lock()


@dataclass(frozen=True)
class AddressSuggestion:
    label: str
    lat: float | None
    lon: float | None
    type: str
    postcode: str | None
    citycode: str | None
    city: str | None
    context: str | None
    score: float | None
    approximate: bool = False


@dataclass(frozen=True)
class Suggestions:
    query: str
    items: list[AddressSuggestion]
    source: str  # "ban" (live or cached) | "communes" (the database, the BAN being away)

    @property
    def approximate(self) -> bool:
        return self.source == "communes"


def suggest_client_for(settings) -> BanClient:
    """A client for keystrokes: a short timeout and no retry (the next keystroke is the retry)."""
    return BanClient(settings.ban_base_url, timeout=2.0, retries=0)


def suggestion_key(q: str, type: str | None = None) -> str:  # noqa: A002
    return f"{normalise_text(q)[:240]}|{type or ''}"


def suggest_addresses(session: Session, settings, q: str, *, limit: int = 5,
                      type: str | None = None, client: BanClient | None = None) -> Suggestions:  # noqa: A002
    """At most ``limit`` suggestions for the typed ``q``, best first. Cached lists answer first;
    the BAN's answers are cached (the caller commits); without the BAN, known communes."""
    limit = max(1, min(limit, MAX_LIMIT))
    key = suggestion_key(q, type)
    cached = _cached(session, key, limit)
    if cached is not None:
        return Suggestions(q, cached[:limit], "ban")
    client = client or suggest_client_for(settings)
    if not _paused(client.base_url):
        try:
            found = client.suggest(q, limit=limit, type=type)
        except GeocodingQueryError:
            found = []
        except GeocodingUnavailable as exc:
            log.warning("BAN unavailable for autocomplete, answering known communes: %s", exc)
            _pause(client.base_url)
        else:
            _store(session, key, limit, found)
            return Suggestions(q, [_from_ban(s) for s in found], "ban")
    places = known_communes(session, q, limit)
    return Suggestions(q, [AddressSuggestion(
        label=p.label, lat=p.lat, lon=p.lon, type="municipality", postcode=p.postcode,
        citycode=p.code, city=p.name, context=p.departement, score=None, approximate=True)
        for p in places], "communes")


def _from_ban(s: Suggestion) -> AddressSuggestion:
    return AddressSuggestion(label=s.label, lat=s.lat, lon=s.lon, type=s.type,
                             postcode=s.postcode, citycode=s.citycode, city=s.city,
                             context=s.context, score=s.score)


def _paused(base_url: str) -> bool:
    with _paused_lock:
        return _paused_until.get(base_url, 0.0) > time.monotonic()


def _pause(base_url: str) -> None:
    with _paused_lock:
        _paused_until[base_url] = time.monotonic() + COOL_DOWN


_LOOKUP = text("""
    SELECT max_results, suggestions FROM address_suggestion_cache
    WHERE key = :key AND fetched_at > now() - CAST(:fresh AS interval)
""")


def _cached(session: Session, key: str, limit: int) -> list[AddressSuggestion] | None:
    """The cached list when it answers ``limit``: asked for as many, or shorter than asked
    (the BAN had no more)."""
    row = session.execute(_LOOKUP, {"key": key, "fresh": f"{FRESH_FOR.days} days"}).first()
    if row is None or (row.max_results < limit and len(row.suggestions) >= row.max_results):
        return None
    return [AddressSuggestion(**item) for item in row.suggestions]


def _store(session: Session, key: str, limit: int, found: list[Suggestion]) -> None:
    """The list under ``key``; each label in ``geocode_cache`` unless it is already there. The
    label is the BAN's own name for the place, so geocoding it finds the same point: it is
    stored with score 1 (the autocomplete score measures the typed prefix, not the label)."""
    items = [asdict(_from_ban(s)) for s in found]
    session.execute(text("""
        INSERT INTO address_suggestion_cache (key, max_results, suggestions, fetched_at)
        VALUES (:key, :limit, CAST(:items AS jsonb), now())
        ON CONFLICT (key) DO UPDATE SET max_results = EXCLUDED.max_results,
          suggestions = EXCLUDED.suggestions, fetched_at = now()
    """), {"key": key, "limit": limit, "items": json.dumps(items, ensure_ascii=False)})
    rows = [{"key": normalise_address(s.label)[:700], "lat": s.lat, "lon": s.lon,
             "label": s.label[:400], "citycode": (s.citycode or "")[:5] or None,
             "postcode": (s.postcode or "")[:10] or None, "type": s.type[:32]}
            for s in found if s.label]
    if rows:
        session.execute(text("""
            INSERT INTO geocode_cache (key, status, lat, lon, score, label, citycode, postcode,
                                       result_type, fetched_at)
            VALUES (:key, 'ok', :lat, :lon, 1.0, :label, :citycode, :postcode, :type, now())
            ON CONFLICT (key) DO NOTHING
        """), rows)
