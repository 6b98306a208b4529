"""HTTP client of the Annuaire Santé FHIR API (``https://gateway.api.esante.gouv.fr/fhir/v2``).

Every request carries the ``ESANTE-API-KEY`` header and draws from a token bucket (the API
has a quota per key). A 429 is honoured: the client waits what ``Retry-After`` says (seconds
or an HTTP date, capped) and asks again. A 401/403 is final (the key is wrong): no retry.
5xx answers and network failures are retried a few times with a growing pause, then raised
as :class:`AnnuaireUnavailable` — the run keeps its progress and resumes later.

``next`` links are followed only on the API's own origin: the key never goes elsewhere.
"""
from __future__ import annotations

import email.utils
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Callable
from urllib.parse import urlencode, urlsplit

from ..geocoding.ratelimit import TokenBucket

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
USER_AGENT = "carto-cpts (mapper import annuaire-sante)"
MAX_RETRY_AFTER = 300.0
MAX_429 = 10


class AnnuaireError(RuntimeError):
    """The import cannot go on; the message says why, for the person running it."""


class AnnuaireAuthError(AnnuaireError):
    """The API refused the key (401/403)."""


class AnnuaireUnavailable(AnnuaireError):
    """The API did not answer usably (5xx, network, not a Bundle) after the retries."""


class AnnuaireGone(AnnuaireError):
    """A saved ``next`` link is no longer known to the server (404/410): restart its search."""


def retry_after(value: str | None, now: Callable[[], float] = time.time) -> float:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), capped."""
    if not value:
        return 1.0
    value = value.strip()
    if value.isdecimal():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return 1.0
    return min(max(0.0, when - now()), MAX_RETRY_AFTER)


class AnnuaireClient:
    """Reads searchset Bundles; ``waited`` sums the seconds spent honouring 429s."""

    def __init__(self, base_url: str, api_key: str, *, rate: float = 5.0, retries: int = 3,
                 timeout: float = 60.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.retries = retries
        self.timeout = timeout
        self.bucket = TokenBucket(rate, 1, sleep=sleep)
        self._sleep = sleep
        self.requests = 0
        self.waited = 0.0
        origin = urlsplit(self.base_url)
        self._origin = (origin.scheme, origin.netloc)

    def search_url(self, resource: str, params: list[tuple[str, str]]) -> str:
        return f"{self.base_url}/{resource}?{urlencode(params, safe=':,')}"

    def get_bundle(self, url: str) -> dict:
        """The Bundle at ``url`` (a search or a ``next`` link)."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self._origin:
            raise AnnuaireError(f"refusing to follow a link outside the API ({parts.netloc}): "
                                "the key is only sent to MAPPER_ANNUAIRE_SANTE_URL")
        failures = throttled = 0
        while True:
            self.bucket.acquire()
            try:
                return self._fetch(url)
            except urllib.error.HTTPError as exc:
                status = exc.code
                if status in (401, 403):
                    raise AnnuaireAuthError(
                        f"the Annuaire Santé API refused the key ({status}): check "
                        "MAPPER_ANNUAIRE_SANTE_API_KEY") from None
                if status == 429 and throttled < MAX_429:
                    throttled += 1
                    wait = retry_after(exc.headers.get("Retry-After"))
                    log.info("429 from the Annuaire Santé API: waiting %.1f s", wait)
                    self._sleep(wait)
                    self.waited += wait
                    continue
                if status in (404, 410) and "_getpages" in url:
                    raise AnnuaireGone(f"paging link expired ({status})") from None
                if status < 500 or failures >= self.retries:
                    raise AnnuaireUnavailable(
                        f"the Annuaire Santé API answered {status} to {_short(url)}") from None
                failures += 1
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                if failures >= self.retries:
                    raise AnnuaireUnavailable(
                        f"the Annuaire Santé API is unreachable at {self.base_url}: "
                        f"{getattr(exc, 'reason', exc)}") from None
                failures += 1
            self._sleep(min(2.0 ** failures, 30.0))

    def _fetch(self, url: str) -> dict:
        request = urllib.request.Request(url, headers={
            "ESANTE-API-KEY": self.api_key, "Accept": FHIR_JSON, "User-Agent": USER_AGENT})
        self.requests += 1
        with urllib.request.urlopen(request, timeout=self.timeout) as resp:
            raw = resp.read()
        try:
            bundle = json.loads(raw)
        except ValueError:
            raise AnnuaireUnavailable(f"not JSON from {_short(url)}") from None
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise AnnuaireUnavailable(f"not a FHIR Bundle from {_short(url)}")
        return bundle


def next_link(bundle: dict) -> str | None:
    for link in bundle.get("link") or ():
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return link["url"]
    return None


def resources(bundle: dict):
    """(search mode, resource) of every entry: ``match`` or ``include``."""
    for entry in bundle.get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") and resource.get("id"):
            yield (entry.get("search") or {}).get("mode", "match"), resource


def _short(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?…" if parts.query else "")
