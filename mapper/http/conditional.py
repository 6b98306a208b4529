"""Conditional and cacheable public reads: a strong ``ETag`` per representation and ``304 Not
Modified`` before anything is built.

A public read (the maps and widgets, the anonymous JSON/GeoJSON of ``/api/v1``, OGC API –
Features, FHIR) is a function of: the data version (``services.dataversion``: bumped by statement
triggers in the transaction of any write a public page reads, whichever process or connection
writes), the release of the code and templates, the URL with its query, the host, the visitor's
language, the content negotiation (``Accept`` for OGC and FHIR; the content-coding is added by
Flask-Compress as ``:br`` / ``:gzip``), and — for what shows « ouvert maintenant », dates or a
generation time — the current minute (``pagecache.CLOCK_STEP``). The ETag hashes exactly these,
so it is known *before* the view runs: a matching ``If-None-Match`` is answered ``304`` after one
cheap ``SELECT`` (the data version) and nothing else.

What is not cacheable: anything with a bearer token, a page requested with a session (its
navigation and form tokens are the visitor's), a search by place (the visitor's address or
position is theirs), the health check and address suggestions (not data-versioned), and any
response that is not a 200 or sets a cookie. Signed-in and session pages are ``private,
no-store`` (``security`` and below).

The CSP nonce: a 304 makes the browser keep its stored body *and* refresh the stored headers
from the 304. The body holds the nonce of its first response, so a 304 carries no
``Content-Security-Policy`` (nor ``Content-Type``): the stored policy, with the matching nonce,
stays (``tests/web/test_conditional_browser.py`` checks it in Chromium).
"""
from __future__ import annotations

import hashlib
import time
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale

from ..db import get_db, get_session
from ..services.dataversion import data_version

#: Seconds a page may lag the clock (its open-now state, next openings, generation time).
CLOCK_STEP = 60
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
PRIVATE = "private, no-store"

#: Pages whose anonymous views are public (a session makes them the visitor's own).
PAGES = frozenset({"maps.coverage_map", "maps.cpts_map", "maps.territories_map",
                   "embed.cpts_widget", "embed.permanences_widget"})
#: Under a data prefix but not data-versioned: live checks, geocoder answers.
EXCLUDED = frozenset({"health.health", "adresses.suggest"})
#: Representations that depend on the data and the request only, never on the clock.
#: The territories and coverage maps too: built once per data version, not once a minute.
CLOCK_FREE = frozenset({
    "communes.list_communes", "communes.get_commune", "cpts.list_cpts", "cpts.get",
    "coverage.get", "territories.overlaps", "directory_vocabularies.professions",
    "directory_vocabularies.competencies", "api-docs.openapi_json", "ogc.landing", "ogc.api",
    "ogc.conformance", "ogc.collections", "ogc.collection", "maps.territories_map",
    "maps.coverage_map"})
#: Bodies that differ byte for byte within one version and minute but mean the same: OGC items
#: carry their generation time (``timeStamp``, to the second, checked by the OGC test suite).
#: Their tag is weak (``W/"…"``), with the minute in it.
WEAK = frozenset({"ogc.items"})
#: A search by place: the visitor's address or position, never kept by a cache.
PERSONAL_PARAMS = frozenset({"adresse", "address", "lat", "lon", "near"})
_NEGOTIATED = ("/ogc", "/fhir")  # answer JSON, GeoJSON or HTML by Accept


_now = time.time  # the clock a representation may depend on (tests move it)


def clock_minute(endpoint: str | None) -> int | None:
    """The minute a representation of ``endpoint`` depends on (it shows « ouvert maintenant »,
    dates or its generation time); None for the ``CLOCK_FREE`` ones."""
    return None if endpoint in CLOCK_FREE else int(_now() // CLOCK_STEP)


def current_data_version() -> int:
    """The data version, read once per request, before the data (see services.dataversion), in
    one round trip outside the request's transaction (``Database.autocommit``)."""
    if "data_version" not in g:
        database = get_db()
        if database.route is not None:
            # A read replica may answer: the version is read where the page is read, or a page
            # built from a lagging standby would carry the primary's newer version (and stay
            # in caches as if it were current).
            g.data_version = data_version(get_session())
        else:
            with database.autocommit() as connection:
                g.data_version = data_version(connection)
    return g.data_version


@lru_cache(maxsize=1)
def release() -> str:
    """A token of the code, templates and catalogues: a new release changes every page with the
    same data. Their contents hashed (a few MB, once at start): the same in every process and on
    every machine running the same release; once per process."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.blake2b(digest_size=8)
    for folder, pattern in (("mapper", "*.py"), ("mapper", "*.mo"), ("templates", "*")):
        for path in sorted((root / folder).rglob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _eligible() -> bool:
    if request.method not in ("GET", "HEAD") or request.authorization is not None \
            or "Authorization" in request.headers:
        return False
    endpoint = request.endpoint or ""
    if endpoint in EXCLUDED or any(k in PERSONAL_PARAMS for k in request.args):
        return False
    if endpoint in PAGES:
        return not session
    path = request.path
    if path.startswith("/api/v1/"):
        return True  # the API ignores the cookie session: tokens only
    return path.startswith(("/ogc", "/fhir/")) and not session


def _vary() -> str:
    vary = "Accept-Encoding, Accept-Language, Cookie"
    return vary + ", Accept" if request.path.startswith(_NEGOTIATED) else vary


def entity_tag() -> str:
    """The strong ETag of the current request's representation (without its content-coding)."""
    parts = [current_app.extensions["mapper.release"], str(current_data_version()),
             request.full_path, request.host, str(get_locale() or "")]
    if request.path.startswith(_NEGOTIATED):
        parts.append(request.headers.get("Accept", ""))
    minute = clock_minute(request.endpoint)
    if minute is not None:
        parts.append(str(minute))
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8", "replace"), digest_size=12)
    return digest.hexdigest()


def _matching(etag: str) -> str | None:
    """The tag of ``If-None-Match`` the current representation has, if any. Comparison is weak
    (RFC 9110 §13.1.2): ``W/"x"`` matches ``"x"``; ``*`` matches any current representation.
    With or without its content-coding suffix: a body stored uncompressed (small, or asked
    without ``Accept-Encoding``) is as current as the compressed one."""
    header = request.if_none_match
    if not header:
        return None
    if header.star_tag:
        return etag
    for candidate in (etag, f"{etag}:br", f"{etag}:gzip"):
        if header.contains_weak(candidate):
            return candidate
    return None


def _not_modified():
    if not _eligible():
        return None
    g.etag = etag = entity_tag()
    matched = _matching(etag)
    if matched is None:
        return None
    resp = Response(status=304)
    resp.headers.remove("Content-Type")  # and no CSP: the stored body keeps its policy
    resp.set_etag(matched, weak=request.endpoint in WEAK)
    resp.headers["Cache-Control"] = CACHE_CONTROL
    resp.headers["Vary"] = _vary()
    g.not_modified = True
    return resp


def _cache_headers(resp):
    if g.get("not_modified"):
        return resp
    etag = g.get("etag")
    sessionless = request.path.startswith("/api/v1/") or not session
    if etag and resp.status_code == 200 and "Set-Cookie" not in resp.headers and sessionless:
        # runs after compression (registered before it), which saw no tag: the content-coding
        # is added here the way Flask-Compress adds it (``"tag:br"``)
        coding = resp.headers.get("Content-Encoding")
        resp.set_etag(f"{etag}:{coding}" if coding else etag, weak=request.endpoint in WEAK)
        resp.headers["Cache-Control"] = CACHE_CONTROL
        resp.headers["Vary"] = _vary()
    elif session and resp.mimetype == "text/html":
        resp.headers["Cache-Control"] = PRIVATE  # a page of someone's session
        resp.vary.add("Cookie")
    return resp


def init_app(app: Flask) -> None:
    """Registered before ``i18n`` and ``compression``: after-request functions run
    last-registered first, so the headers are set on the final (compressed) body, once the
    language cookie is known."""
    app.extensions["mapper.release"] = release()
    app.before_request(_not_modified)
    app.after_request(_cache_headers)
