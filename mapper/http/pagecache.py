"""A cache of rendered public pages (the widgets that CPTS websites frame), so that the thousands
of visitors of a CPTS site do not each pay the member query and the map's build.

An entry is keyed by what the page shows: the page and its query, the visitor's language, the
host it is served on, the data version (``services.dataversion``: any write a page reads makes a
new key, in the writing transaction) and, for pages that depend on the clock (« ouvert
maintenant », the next openings), the current minute: they are at most a minute late
(``conditional.clock_minute``; the territories and coverage maps do not, and are built once per
data version). Only pages without a visitor's
secret are cached (no session, no form token): the caller decides, and stores only a page it
rendered without error.

Each response still gets its own CSP nonce: the page is stored with its nonce replaced by a
placeholder and the visitor's nonce is put back. The cache is per application and bounded in
bytes, least recently used first out.

``anonymous_page`` caches a page for visitors without a session only (signed-in pages carry
their visitor's navigation and form tokens, and are never stored).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, request, session

from .conditional import clock_minute, current_data_version
from .i18n import page_language
from .security import csp_nonce

#: Bytes of pages kept per process (a widget of 5 000 members is ~0.9 MB).
MAX_BYTES = 64 * 1024 * 1024
_NONCE = "\x00nonce\x00"  # never in a page: NUL is refused at the edge and never rendered


class PageCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        if len(page) > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            self._bytes += len(page) - (len(old) if old is not None else 0)
            self._pages[key] = page
            while self._bytes > self.max_bytes:
                _, gone = self._pages.popitem(last=False)
                self._bytes -= len(gone)

    def __len__(self) -> int:
        return len(self._pages)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


def cached_page(page: Hashable, render: Callable[[], tuple[str, bool]]) -> str:
    """The page ``page`` (a key naming it and its query), rendered by ``render`` — which returns
    (html, whether it may be stored) — unless the same page of the same data is cached."""
    cache: PageCache = current_app.extensions["mapper.pagecache"]
    key = (page, page_language()["lang"], request.host_url, current_data_version(),
           clock_minute(request.endpoint))
    nonce = csp_nonce()
    stored = cache.get(key)
    if stored is not None:
        return stored.replace(_NONCE, nonce)
    html, storable = render()
    if storable:
        cache.put(key, html.replace(nonce, _NONCE))
    return html


def anonymous_page(page: Hashable, render: Callable[[], str]) -> str:
    """A public page (a map of territories, of coverage): cached for visitors without a session
    (the page is then the same for all of them), rendered for each signed-in visitor (their
    navigation, their forms' token). Stored only if rendering put nothing in the session."""
    if session:
        return render()
    return cached_page(page, lambda: (lambda html: (html, not session))(render()))


def init_app(app: Flask) -> None:
    app.extensions["mapper.pagecache"] = PageCache()
