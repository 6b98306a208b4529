"""Compressed responses (Brotli or gzip, by ``Accept-Encoding``, with Flask-Compress).

A widget of 500 professionals or a page of search results carries Leaflet, its plugins and the
data of every marker: compressed, a phone on a slow network gets it several times faster.
An HTML page that carries a secret of the visitor's session (the CSRF token of a form, the
signed-in nav) is never compressed: compression next to reflected input would let an attacker
guess the secret byte by byte (BREACH). Public pages, scripts, styles and JSON are. Brotli at
level 4: a 5 000-member widget (0.9 MB) compresses in ~40 ms to 8 % more than level 5 gives in
~90 ms, which the server pays on every visit.
"""
from __future__ import annotations

from flask import Flask, session
from flask_compress import Compress

MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
             "application/json", "application/geo+json", "application/problem+json",
             "application/vnd.oai.openapi+json", "application/fhir+json", "image/svg+xml",
             "text/plain", "text/csv", "text/calendar"]

compress = Compress()


def _compress(response):
    if response.mimetype == "text/html" and session:
        return response  # a page with a session secret in it: see the module docstring
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    app.config.update(COMPRESS_REGISTER=False, COMPRESS_MIMETYPES=MIMETYPES,
                      COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],
                      COMPRESS_STREAMING_ENDPOINT_CONDITIONAL=["static", "assets.asset"],
                      COMPRESS_BR_LEVEL=4, COMPRESS_MIN_SIZE=1024)
    compress.init_app(app)
    app.after_request(_compress)
