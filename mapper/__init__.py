"""Carto CPTS: a PostGIS-backed Flask service for French CPTS.

``create_app`` is the only place an application is built; nothing happens at import time.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from .config import Settings

log = logging.getLogger(__name__)


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the application.

    ``config`` is a ``Settings`` or a dict of Settings field overrides; by default settings come
    from the environment. Without a database URL the embedded cluster is started on demand.
    """
    from . import db
    from .errors import register_error_handlers

    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env()
        if config:
            settings = settings.replace(**config)
    url = settings.database_url
    if not url:
        from .embedded import EmbeddedCluster

        url = EmbeddedCluster(settings.pg_dir).start()

    app = Flask(__name__, static_folder="../static", template_folder="../templates")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["mapper.settings"] = settings
    db.init_app(app, url, settings.api_statement_timeout_ms)
    register_error_handlers(app)

    from .api import init_api
    from .web import init_web

    init_api(app)
    init_web(app)
    return app


def get_settings(app: Flask | None = None) -> Settings:
    from flask import current_app

    return (app or current_app).extensions["mapper.settings"]
