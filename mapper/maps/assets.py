"""Self-hosted map assets: which files of which XStatic package, under which URL.

Folium links Leaflet, jQuery, Bootstrap and Leaflet.awesome-markers from public CDNs. A health
service must not hand its visitors' IP addresses to third parties and must work offline, so the
maps link only to files the app serves itself:

* third-party libraries from the XStatic wheels, served by ``mapper.http.assets`` under an
  ``asset_prefix`` (``/assets/<package>/<file>``); only the files matched by a package's
  ``patterns`` are served, everything else is a 404;
* the project's own ``static/maps/cpts-maps.{js,css}`` (marker creation, popups, legends) and
  ``cpts-cluster.js`` (marker clusters on the vendored supercluster, ``static/maps/vendor``),
  served by Flask's ``/static`` route under a ``static_prefix``.

Bootstrap and awesome-markers are not used at all (markers are ``L.divIcon`` with Font-Awesome
glyphs) and jQuery is not needed by anything the maps use. URLs carry a ``?v=`` so that the long
cache lifetime set by the blueprint is safe across upgrades.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import posixpath
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import folium

#: Where the project's own map JS/CSS live (served by Flask's static route).
STATIC_MAPS_DIR = Path(__file__).resolve().parents[2] / "static" / "maps"


@dataclass(frozen=True, slots=True)
class AssetPackage:
    """An XStatic package exposed under ``<asset_prefix>/<name>/``."""

    name: str
    module: str
    patterns: tuple[str, ...]

    @property
    def base_dir(self) -> Path:
        return Path(importlib.import_module(self.module).BASE_DIR)

    @property
    def version(self) -> str:
        return str(importlib.import_module(self.module).VERSION)

    def allows(self, filename: str) -> bool:
        return any(fnmatchcase(filename, pattern) for pattern in self.patterns)


PACKAGES: dict[str, AssetPackage] = {
    p.name: p
    for p in (
        AssetPackage(
            "leaflet", "xstatic.pkg.leaflet", ("leaflet.js", "leaflet.css", "*.map", "images/*.png")
        ),
        AssetPackage(
            "font-awesome",
            "xstatic.pkg.font_awesome",
            (
                "css/fontawesome.min.css",
                "css/solid.min.css",
                "webfonts/fa-solid-900.woff2",
                "webfonts/fa-solid-900.ttf",
            ),
        ),
        AssetPackage("jquery", "xstatic.pkg.jquery", ("jquery.min.js", "jquery.min.map")),
    )
}


@dataclass(frozen=True, slots=True)
class Asset:
    """A named file to link from a page: ``package``/``path``, ``kind`` js or css."""

    package: str
    path: str
    kind: str


ASSETS: dict[str, Asset] = {
    "leaflet_js": Asset("leaflet", "leaflet.js", "js"),
    "leaflet_css": Asset("leaflet", "leaflet.css", "css"),
    "fontawesome_css": Asset("font-awesome", "css/fontawesome.min.css", "css"),
    "fontawesome_solid_css": Asset("font-awesome", "css/solid.min.css", "css"),
    "jquery_js": Asset("jquery", "jquery.min.js", "js"),
}

#: What every map page links, in load order.
MAP_ASSETS: tuple[str, ...] = (
    "leaflet_js",
    "leaflet_css",
    "fontawesome_css",
    "fontawesome_solid_css",
)

#: The project's own files under STATIC_MAPS_DIR.
OWN_JS: tuple[str, ...] = ("vendor/supercluster.min.js", "cpts-cluster.js", "cpts-maps.js",
                           "cpts-territories.js")
OWN_CSS: tuple[str, ...] = ("cpts-maps.css",)


def resolve(package: str, filename: str) -> tuple[Path, str] | None:
    """(directory, relative file) for a served asset, or None if it is not one.

    Rejects unknown packages, names outside the package's patterns and any path that is not a
    plain relative path (``..``, absolute, backslashes) before touching the filesystem.
    """
    pkg = PACKAGES.get(package)
    if pkg is None or not filename or "\\" in filename or "\x00" in filename:
        return None
    normalized = posixpath.normpath(filename)
    if normalized != filename or normalized.startswith(("/", "..")):
        return None
    if not pkg.allows(normalized):
        return None
    base = pkg.base_dir
    if not (base / normalized).is_file():
        return None
    return base, normalized


def asset_file(name: str) -> Path:
    """Filesystem path of a named asset (used by tests and checks)."""
    asset = ASSETS[name]
    return PACKAGES[asset.package].base_dir / asset.path


def asset_url(name: str, asset_prefix: str) -> str:
    asset = ASSETS[name]
    pkg = PACKAGES[asset.package]
    return f"{asset_prefix.rstrip('/')}/{pkg.name}/{asset.path}?v={pkg.version}"


def asset_urls(asset_prefix: str, names: tuple[str, ...] = MAP_ASSETS) -> list[tuple[str, str]]:
    """``[(name, url), ...]`` for the named assets, in order."""
    return [(name, asset_url(name, asset_prefix)) for name in names]


@functools.cache
def _static_version(filename: str) -> str | None:
    path = STATIC_MAPS_DIR / filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None


def static_url(filename: str, static_prefix: str) -> str:
    version = _static_version(filename)
    url = f"{static_prefix.rstrip('/')}/{filename}"
    return f"{url}?v={version}" if version else url


def use_self_hosted_assets(m: folium.Map, asset_prefix: str, static_prefix: str) -> None:
    """Replace Folium's CDN links on this map (instance attributes: the class lists, shared by
    every map in the process, are left alone)."""
    js, css = [], []
    for name, url in asset_urls(asset_prefix):
        (js if ASSETS[name].kind == "js" else css).append((name, url))
    js += [(f"cpts_{f}", static_url(f, static_prefix)) for f in OWN_JS]
    css += [(f"cpts_{f}", static_url(f, static_prefix)) for f in OWN_CSS]
    m.default_js = js
    m.default_css = css
