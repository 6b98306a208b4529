"""Serves the third-party map assets from the installed XStatic wheels under ``/assets``.

The maps link Leaflet and Font-Awesome here instead of public CDNs (see
``mapper.maps.assets``). Only the files allow-listed per package are served; anything else —
unknown package, unlisted file, ``..`` — is a 404 before the filesystem is touched. URLs carry
the package version (``?v=``), so responses are cacheable for a year and immutable.
"""
from __future__ import annotations

import posixpath

from flask import Blueprint, Response, abort, send_from_directory

from mapper.maps.assets import generated, resolve

bp = Blueprint("assets", __name__, url_prefix="/assets")

ONE_YEAR = 365 * 24 * 3600

MIMETYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".map": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
}


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    mimetype = MIMETYPES.get(posixpath.splitext(filename)[1].lower(), "application/octet-stream")
    made = generated(package, filename)
    if made is not None:
        response = Response(made, mimetype=mimetype)
        response.cache_control.max_age = ONE_YEAR
    else:
        found = resolve(package, filename)
        if found is None:
            abort(404)
        directory, name = found
        response = send_from_directory(directory, name, mimetype=mimetype, max_age=ONE_YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
