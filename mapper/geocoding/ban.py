"""Client for the BAN geocoder as hosted by the IGN Géoplateforme.

api-adresse.data.gouv.fr is retired; the same API lives under ``https://data.geopf.fr/geocodage``
(50 requests/s per IP). Single addresses go through geopy's ``BANFrance`` (pointed at the
configured base URL, path prefix included); batches go to ``<base>/search/csv`` in chunks, which
is how a national import stays within the rate limit. Both draw from one token bucket per host.

Failures come out as :class:`GeocodingUnavailable` (retry later) or :class:`GeocodingQueryError`
(the input is wrong); "no match" is ``None``, never an exception.
"""
from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from functools import partial
from itertools import islice
from typing import Callable, Hashable, Iterable, Iterator
from urllib.parse import urlencode, urlsplit

from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import GeocoderQueryError, GeocoderRateLimited, GeopyError
from geopy.geocoders import BANFrance
from geopy.geocoders.base import DEFAULT_SENTINEL

from . import batch_csv
from .errors import GeocodingError, GeocodingQueryError, GeocodingUnavailable
from .ratelimit import TokenBucket, limiter_for
from .results import AddressRow, GeocodeResult, Suggestion

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://data.geopf.fr/geocodage"
RATE_LIMIT_PER_SECOND = 50
USER_AGENT = "carto-cpts (https://github.com/carto-cpts)"
#: Statuses worth retrying after a pause: rate limited or temporarily overloaded.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_DELAY = 30.0


class GeoplateformeBAN(BANFrance):
    """geopy's BANFrance built from a base URL and passing the BAN's filters.

    BANFrance builds ``<scheme>://<domain>/search``; putting the path prefix in ``domain`` gives
    ``https://data.geopf.fr/geocodage/search``. Its ``geocode`` only sends ``q`` and ``limit``;
    this one also sends ``postcode`` / ``citycode`` / ``type`` filters and ``autocomplete``: 0
    for full addresses (autocompletion would favour partial matches), 1 for keystrokes.
    """

    def __init__(self, base_url: str = DEFAULT_BASE_URL, **kwargs):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"BAN base URL must be http(s)://host[/prefix], got {base_url!r}")
        super().__init__(domain=parts.netloc + parts.path.rstrip("/"), scheme=parts.scheme, **kwargs)

    def geocode(self, query, *, limit=None, exactly_one=True, timeout=DEFAULT_SENTINEL,
                postcode=None, citycode=None, autocomplete=False, type=None):  # noqa: A002
        params = {"q": query}
        if limit is not None:
            params["limit"] = limit
        if postcode:
            params["postcode"] = postcode
        if citycode:
            params["citycode"] = citycode
        if type:
            params["type"] = type
        params["autocomplete"] = 1 if autocomplete else 0
        url = "?".join((self.geocode_api, urlencode(params)))
        callback = partial(self._parse_json, exactly_one=exactly_one)
        return self._call_geocoder(url, callback, timeout=timeout)


def _adapter_factory():
    """geopy's requests adapter, retrying refused connections but never a read timeout.

    Its default (``max_retries=2``) also retries reads, so one slow answer costs three timeouts.
    Without ``requests`` installed, geopy's default (urllib, no retries) is used.
    """
    if not RequestsAdapter.is_available:
        return None
    from urllib3.util.retry import Retry

    return partial(RequestsAdapter, max_retries=Retry(
        total=2, connect=2, read=0, status=0, other=0, redirect=2, respect_retry_after_header=False
    ))


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _from_geopy(exc: GeopyError) -> GeocodingError:
    """Translate a geopy error, recovering the HTTP status geopy hides in ``__cause__``."""
    cause = exc.__cause__
    status = cause.status_code if isinstance(cause, AdapterHTTPError) else None
    if isinstance(exc, GeocoderQueryError):
        return GeocodingQueryError(f"BAN rejected the query: {exc}")
    retry_after = exc.retry_after if isinstance(exc, GeocoderRateLimited) else None
    if retry_after is None and isinstance(cause, AdapterHTTPError):
        retry_after = _retry_after(cause.headers)
    return GeocodingUnavailable(f"BAN geocoder unavailable: {exc}", status=status, retry_after=retry_after)


def _feature_to_result(feature: dict) -> GeocodeResult:
    lon, lat = feature["geometry"]["coordinates"][:2]
    props = feature.get("properties") or {}
    return GeocodeResult(
        lat=float(lat), lon=float(lon), score=float(props.get("score") or 0.0),
        label=props.get("label") or "", citycode=props.get("citycode") or None,
        postcode=props.get("postcode") or None, type=props.get("type") or "",
    )


class BanClient:
    """Geocode against one BAN deployment; cheap to build, safe to share between threads."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 10.0,
        batch_timeout: float = 300.0,
        retries: int = 2,
        backoff: float = 1.0,
        limiter: TokenBucket | None = None,
        user_agent: str = USER_AGENT,
        proxies: dict[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.batch_url = self.base_url + "/search/csv"
        self.timeout = timeout
        self.batch_timeout = batch_timeout
        self.retries = retries
        self.backoff = backoff
        self.limiter = limiter or limiter_for(urlsplit(self.base_url).netloc, RATE_LIMIT_PER_SECOND)
        self.user_agent = user_agent
        self._sleep = sleep
        self._geocoder = GeoplateformeBAN(
            self.base_url, timeout=timeout, user_agent=user_agent, proxies=proxies or {},
            adapter_factory=_adapter_factory(),
        )
        # Like geopy's adapter, ignore proxy environment variables: configuration is explicit.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies or {}))

    # -- single -----------------------------------------------------------------------------

    def geocode(self, address: str, *, postcode: str | None = None, citycode: str | None = None) -> GeocodeResult | None:
        """Best match for one address, or None when the BAN finds nothing (or it is too short)."""
        query = batch_csv.clean_query(address)
        if len(query) < batch_csv.MIN_QUERY_LENGTH:
            return None
        filters = batch_csv.query_filters(postcode, citycode)

        def call():
            try:
                location = self._geocoder.geocode(query, limit=1, exactly_one=True, **filters)
                return None if location is None else _feature_to_result(location.raw)
            except GeopyError as exc:
                raise _from_geopy(exc) from exc
            except (KeyError, IndexError, TypeError, ValueError) as exc:  # geopy lets these through
                raise GeocodingUnavailable(f"BAN answered an unreadable feature: {exc!r}") from exc

        return self._with_retries(call)

    def suggest(self, text: str, *, limit: int = 5, type: str | None = None) -> list[Suggestion]:  # noqa: A002
        """What a person typing ``text`` may mean: the BAN's ``/search`` in autocomplete mode,
        best first, at most ``limit``; [] when the text is too short to be a query."""
        query = batch_csv.clean_query(text)
        if len(query) < batch_csv.MIN_QUERY_LENGTH:
            return []

        def call():
            try:
                found = self._geocoder.geocode(query, limit=limit, exactly_one=False,
                                               autocomplete=True, type=type)
                return [Suggestion.from_feature(location.raw) for location in found or ()]
            except GeopyError as exc:
                raise _from_geopy(exc) from exc
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise GeocodingUnavailable(f"BAN answered an unreadable feature: {exc!r}") from exc

        return self._with_retries(call)

    # -- batch ------------------------------------------------------------------------------

    def geocode_batch(self, rows: Iterable[AddressRow], chunk_size: int = 10_000) -> Iterator[tuple[Hashable, GeocodeResult | None]]:
        """``(id, result)`` for every row, in input order, one POST per ``chunk_size`` rows.

        Rows whose address is too short to be a query are answered None without being sent.
        A chunk that keeps failing raises; results already yielded stay valid, so a caller
        that stores them as they come can resume with the rows it has not seen back.
        """
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        iterator = iter(rows)
        while chunk := list(islice(iterator, chunk_size)):
            cleaned = [AddressRow(r.id, batch_csv.clean_query(r.address), r.postcode, r.citycode) for r in chunk]
            sendable = [i for i, r in enumerate(cleaned) if len(r.address) >= batch_csv.MIN_QUERY_LENGTH]
            results: list[GeocodeResult | None] = [None] * len(chunk)
            if sendable:
                answers = self._post_chunk([cleaned[i] for i in sendable])
                for index, answer in zip(sendable, answers):
                    results[index] = answer
            for row, result in zip(chunk, results):
                yield row.id, result

    def _post_chunk(self, rows: list[AddressRow]) -> list[GeocodeResult | None]:
        csv_bytes, fields = batch_csv.encode_request(rows)
        body, content_type = batch_csv.encode_multipart(fields, csv_bytes)
        headers = {"Content-Type": content_type, "User-Agent": self.user_agent, "Accept": "text/csv"}

        def call():
            request = urllib.request.Request(self.batch_url, data=body, headers=headers, method="POST")
            try:
                with self._opener.open(request, timeout=self.batch_timeout) as response:
                    payload = response.read()
            except urllib.error.HTTPError as exc:
                if exc.code in (400, 413):
                    raise GeocodingQueryError(f"BAN rejected the batch: HTTP {exc.code}") from exc
                raise GeocodingUnavailable(
                    f"BAN batch failed: HTTP {exc.code}", status=exc.code, retry_after=_retry_after(exc.headers)
                ) from exc
            except OSError as exc:  # URLError, refused connections, socket timeouts
                raise GeocodingUnavailable(f"BAN batch unreachable: {exc}") from exc
            try:
                return batch_csv.decode_response(payload, len(rows))
            except batch_csv.BatchResponseError as exc:
                raise GeocodingUnavailable(f"BAN batch answered an unreadable CSV: {exc}") from exc

        logger.info("BAN batch: %d rows to %s", len(rows), self.batch_url)
        return self._with_retries(call)

    # -- shared -----------------------------------------------------------------------------

    def _with_retries(self, call):
        """Run ``call`` under the rate limit, retrying statuses that announce a temporary state.

        Timeouts and refused connections are not retried here: geopy's adapter already retries
        connections, and a silent service is the caller's to back off from.
        """
        for attempt in range(self.retries + 1):
            self.limiter.acquire()
            try:
                return call()
            except GeocodingUnavailable as exc:
                if exc.status not in RETRY_STATUSES or attempt == self.retries:
                    raise
                delay = exc.retry_after if exc.retry_after is not None else self.backoff * 2**attempt
                logger.warning("BAN answered %s, retrying in %.1fs", exc.status, delay)
                self._sleep(min(delay, MAX_RETRY_DELAY))
        raise AssertionError("unreachable")


def geocode(address: str, postcode: str | None = None, citycode: str | None = None, *,
            base_url: str = DEFAULT_BASE_URL, client: BanClient | None = None) -> GeocodeResult | None:
    """One address through ``client`` (or a client for ``base_url``)."""
    return (client or BanClient(base_url)).geocode(address, postcode=postcode, citycode=citycode)


def geocode_batch(rows: Iterable[AddressRow], chunk_size: int = 10_000, *,
                  base_url: str = DEFAULT_BASE_URL, client: BanClient | None = None) -> Iterator[tuple[Hashable, GeocodeResult | None]]:
    """Many addresses through ``/search/csv``; see :meth:`BanClient.geocode_batch`."""
    return (client or BanClient(base_url)).geocode_batch(rows, chunk_size)
