"""Security headers on every response, and a CSP nonce per request for approved inline scripts.

No page may be framed except under ``/embed/``, whose views set their own ``frame-ancestors``
(the CPTS's configured origins). No third-party origin is allowed for scripts or styles: every
asset is served by the app itself. Tiles are images from the configured tile server.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _tile_origin() -> str:
    url = current_app.extensions["mapper.settings"].tiles_url
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc
    if "{s}." in url:
        host = "*." + host.split(".", 1)[1]
    return f" {parts.scheme}://{host}"


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    nonce = g.get("csp_nonce")
    approved = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join([
        "default-src 'self'",
        f"script-src {approved}",
        # No 'unsafe-inline': Leaflet positions tiles and markers through the CSSOM
        # (element.style), which CSP does not restrict; <style> blocks carry the nonce and no
        # template writes style="" attributes.
        f"style-src {approved}",
        f"img-src 'self' data:{_tile_origin()}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if not request.path.startswith("/embed/"):
            resp.headers.setdefault("X-Frame-Options", "DENY")
        if resp.mimetype == "text/html" and resp.status_code != 304:
            # a 304 keeps the stored page and its policy (its nonce): see http.conditional
            resp.headers.setdefault("Content-Security-Policy", content_security_policy())
        principal = g.get("principal")
        if principal is not None and not principal.is_anonymous:
            # what a signed-in person or a token sees is theirs: no cache may keep it
            resp.headers["Cache-Control"] = "private, no-store"
            resp.headers.add("Vary", "Cookie")
        return resp
