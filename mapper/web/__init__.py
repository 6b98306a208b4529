"""HTML pages (French UI), security headers, self-hosted assets."""
from __future__ import annotations

from flask import Flask

from ..auth import current_principal
from . import account, csrf, pages, security


def init_web(app: Flask) -> None:
    security.init_app(app)
    csrf.init_app(app)
    app.permanent_session_lifetime = account.SESSION_LIFETIME
    app.jinja_env.globals["current_principal"] = current_principal
    app.register_blueprint(pages.bp)
    app.register_blueprint(account.bp)
    from . import directory, formatting, territory_pages

    formatting.register(app)
    app.register_blueprint(directory.bp)
    app.register_blueprint(territory_pages.bp)
    try:
        from . import assets
    except ImportError:  # pragma: no cover - assets module arrives with the maps
        assets = None
    if assets is not None:
        app.register_blueprint(assets.bp)
    from ..embed import bp as embed_bp
    from .maps import bp as maps_bp

    app.register_blueprint(maps_bp)
    app.register_blueprint(embed_bp)
