"""HTML pages (French UI), security headers, self-hosted assets."""
from __future__ import annotations

from flask import Flask

from . import pages, security


def init_web(app: Flask) -> None:
    security.init_app(app)
    app.register_blueprint(pages.bp)
    try:
        from . import assets
    except ImportError:  # pragma: no cover - assets module arrives with the maps
        assets = None
    if assets is not None:
        app.register_blueprint(assets.bp)
