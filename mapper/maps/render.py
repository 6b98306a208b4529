"""Render a map to HTML that runs under a strict Content-Security-Policy.

The pages are served with ``script-src 'self' 'nonce-…'`` (no 'unsafe-inline', no
'unsafe-eval'). Folium puts its code in inline ``<script>`` blocks, so every ``<script>`` (and
``<style>``, for a ``style-src`` with nonces) gets the nonce. The generated code needs no eval:
Folium's templates emit plain JavaScript, and the maps use no Folium element that relies on
``$(...)`` HTML parsing (Popup) or on inline event-handler attributes.

Adding the nonce by rewriting tags is safe here because no data can produce a ``<script`` or
``<style`` substring: all data sits in JSON blocks with ``<`` escaped as ``\\u003c``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import folium

_NONCE_RE = re.compile(r"^[A-Za-z0-9+/_=-]{8,128}$")
_TAG_RE = re.compile(r"<(script|style)\b(?![^>]*\snonce=)", re.IGNORECASE)
_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_PAGE_STYLE_RE = re.compile(r"<style\b[^>]*>\s*(html, body|#map)\s*\{[^}]*\}\s*</style>")


def _check_nonce(nonce: str) -> str:
    if not isinstance(nonce, str) or not _NONCE_RE.match(nonce):
        raise ValueError("a CSP nonce is 8-128 base64/base64url characters")
    return nonce


def add_nonce(markup: str, nonce: str) -> str:
    """Add ``nonce="…"`` to every ``<script>`` and ``<style>`` tag that lacks one."""
    _check_nonce(nonce)
    return _TAG_RE.sub(lambda m: f'<{m.group(1)} nonce="{nonce}"', markup)


def _fresh_figure(m: folium.Map):
    """The map's Figure, ready to render again.

    Folium's Layer.render adds a new ``addTo`` element (with a new random name) to the
    figure's script on every render, so a second render would repeat them. Everything in the
    script section is produced during rendering, so it is emptied first.
    """
    figure = m.get_root()
    figure.script._children.clear()
    return figure


def render_html(m: folium.Map, nonce: str) -> str:
    """The full HTML page of the map (``lang="fr"``), every script and style nonced."""
    _check_nonce(nonce)
    page = _fresh_figure(m).render()
    page = page.replace("<html>", '<html lang="fr">', 1)
    return add_nonce(page, nonce)


@dataclass(frozen=True, slots=True)
class MapParts:
    """The pieces of a map for embedding in a site template: ``head`` (asset links and
    styles) goes in ``<head>``, ``body`` (the map div and data blocks) where the map should
    appear, ``script`` (one inline ``<script>`` element) after it."""

    head: str
    body: str
    script: str


def render_parts(m: folium.Map, nonce: str) -> MapParts:
    _check_nonce(nonce)
    figure = _fresh_figure(m)
    figure.render()  # populates header/html/script, as Figure.render does
    return MapParts(
        head=add_nonce(figure.header.render(), nonce),
        body=add_nonce(figure.html.render(), nonce),
        script=add_nonce(f"<script>\n{figure.script.render()}\n</script>", nonce),
    )


def page_head(head: str, *, full_page: bool = False) -> str:
    """Folium's head without its ``<meta>`` tags (its viewport forbids zooming, against RGAA
    10.4; the site template has its own) and, inside a site page, without the styles that
    make the map fill the whole window."""
    head = _META_RE.sub("", head)
    return head if full_page else _PAGE_STYLE_RE.sub("", head)
