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
import io
import importlib
import posixpath
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import folium
from branca.element import JavascriptLink

from .style import ICONS

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


#: Font-Awesome cut to the glyphs the maps use (``style.ICONS``): 14 KB of CSS instead of 81 KB
#: that a phone parses before it draws the map (~0.1 s at a quarter of a laptop's CPU), and a
#: font of a few KB instead of 150 KB (subset with fontTools; the font's licence, SIL OFL 1.1,
#: allows it and Font Awesome Free reserves no font name).
ICONS_CSS = "css/icons.min.css"
ICONS_FONT = "webfonts/icons.woff2"
_ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)(\{content:"[^"]*"\})')
_FONT_SRC = re.compile(r"src:url\(\.\./webfonts/fa-solid-900\.woff2\)[^;}]*")


def _fa_css(name: str) -> str:
    return (PACKAGES["font-awesome"].base_dir / "css" / name).read_text(encoding="utf-8")


@functools.cache
def _icon_rules() -> str:
    """``fontawesome.min.css`` with only the ``:before`` rules of ``style.ICONS``; every other
    rule kept as it is."""
    wanted = {f".{icon}:before" for icon in ICONS}

    def keep(rule: re.Match) -> str:
        selectors = [s for s in rule.group(1).split(",") if s in wanted]
        return ",".join(selectors) + rule.group(2) if selectors else ""

    return _ICON_RULE.sub(keep, _fa_css("fontawesome.min.css"))


@functools.cache
def icon_font() -> bytes:
    """The solid font with only the glyphs of ``style.ICONS`` (their code points are those of
    the kept rules), as WOFF2."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    # The packaged font's 'head' table has two bytes of padding fontTools warns about.
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    points = {int(code, 16) for code in re.findall(r'content:"\\([0-9a-f]+)"', _icon_rules())}
    font = TTFont(PACKAGES["font-awesome"].base_dir / "webfonts" / "fa-solid-900.woff2")
    options = subset.Options(flavor="woff2", layout_features=[], name_IDs=["*"])
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def icon_css() -> bytes:
    """The kept rules, then ``solid.min.css`` with its font face on the cut font."""
    digest = hashlib.sha256(icon_font()).hexdigest()[:8]
    face = _FONT_SRC.sub(f'src:url(../{ICONS_FONT}?v={digest}) format("woff2")',
                         _fa_css("solid.min.css"))
    return (_icon_rules() + "\n" + face).encode()


def generated(package: str, filename: str) -> bytes | None:
    """The content of a file made from a package's own files, or None."""
    if package != "font-awesome":
        return None
    return {ICONS_CSS: icon_css, ICONS_FONT: icon_font}.get(filename, lambda: None)()


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
    "icons_css": Asset("font-awesome", ICONS_CSS, "css"),
    "jquery_js": Asset("jquery", "jquery.min.js", "js"),
}

#: What every map page links, in load order.
MAP_ASSETS: tuple[str, ...] = (
    "leaflet_js",
    "leaflet_css",
    "icons_css",
)

#: The project's own files under STATIC_MAPS_DIR linked by every map; a data element adds the
#: scripts its factory needs (``elements.FACTORIES``) after them.
OWN_JS: tuple[str, ...] = ("cpts-maps.js",)
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


def asset_version(name: str) -> str:
    """The ``?v=`` of a named asset: its package's version, and for a generated file a digest
    of what it is made of."""
    asset = ASSETS[name]
    version = PACKAGES[asset.package].version
    if generated(asset.package, asset.path) is not None:
        version += "-" + hashlib.sha256(generated(asset.package, asset.path)).hexdigest()[:8]
    return version


def asset_file(name: str) -> Path:
    """Filesystem path of a named asset (used by tests and checks)."""
    asset = ASSETS[name]
    return PACKAGES[asset.package].base_dir / asset.path


def asset_url(name: str, asset_prefix: str) -> str:
    asset = ASSETS[name]
    return f"{asset_prefix.rstrip('/')}/{asset.package}/{asset.path}?v={asset_version(name)}"


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
    m.cpts_static_prefix = static_prefix


def add_own_scripts(figure, m: folium.Map, files: tuple[str, ...]) -> None:
    """Link the project's ``files`` in the page's head (once each, after the map's own)."""
    prefix = getattr(m, "cpts_static_prefix", None)
    if prefix is None:
        raise RuntimeError("the map was not made by new_map (no self-hosted assets)")
    for f in files:
        figure.header.add_child(JavascriptLink(static_url(f, prefix)), name=f"cpts_{f}")
