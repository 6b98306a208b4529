"""Carto CPTS: a PostGIS-backed Flask service for French CPTS.

``create_app`` is the composition root, the only place an application is built; nothing happens
at import time. The layers, from the top (each imports only what stands below it; a test checks
it, see ``tests/test_architecture.py``):

* ``api`` (JSON, /api/v1), ``web`` (French pages), ``embed`` (iframe widgets), ``ogc`` (OGC
  API – Features, /ogc): blueprints that parse the request (``schemas``), call one service
  function and render; ``cli`` and ``imports`` (files and remote sources) call the same
  services.
* ``http``: what the blueprints share (error handler, security headers, principal, map pages).
* ``services``: the use cases, one package per domain (``territories``, ``directory``,
  ``accounts``, ``geocoding``), the read models of the pages (``services.pages``), and the one
  GeoJSON path (``services.features``).
* ``schemas`` (input), ``models``, ``geo``, ``maps`` (Folium builders), ``geocoding`` (BAN
  client), ``auth``, and at the bottom ``vocab``, ``labels``, ``errors``, ``config``.

Where a new feature goes:

* a new API resource: its schema in ``schemas/``, its use cases in the domain's package under
  ``services/``, a thin view in ``api/`` (registered in ``api.BLUEPRINTS``);
* a new page: a read model in ``services/pages/``, a view and template in ``web/`` (French
  labels in ``labels``);
* a new import: a streaming reader in ``imports/`` that checks rows with ``schemas`` and calls
  the domain's use cases, plus a ``mapper import`` command in ``cli``;
* a new map: a builder in ``maps/`` (data in, ``folium.Map`` out), fed by a read model and put
  in a page with ``http.pagemaps``.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from .config import Settings

log = logging.getLogger(__name__)


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the application. (Imports are local: importing ``mapper.geo`` or ``mapper.vocab``
    must not load Flask, flask-smorest and Folium.)

    ``config`` is a ``Settings`` or a dict of Settings field overrides; by default settings come
    from the environment. Without a database URL the embedded cluster is started on demand.
    """
    from . import db
    from .api import init_api
    from .embed import bp as embed_bp
    from .fhir import bp as fhir_bp
    from .ogc import bp as ogc_bp
    from .http import (assets, compression, conditional, deployment, hygiene, i18n, pagecache,
                       problems, security)
    from .web import init_web

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
    deployment.init_app(app, settings)  # reverse proxies, read replica
    hygiene.init_app(app)  # before the blueprints: it sets the <int:…> converter
    security.init_app(app)
    conditional.init_app(app)  # before i18n and compression: see its init_app
    i18n.init_app(app)
    compression.init_app(app)
    pagecache.init_app(app)
    init_api(app)
    init_web(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(fhir_bp)
    app.register_blueprint(ogc_bp)
    # Registered last: flask-smorest installs its own HTTPException handler; ours must win.
    problems.register_error_handlers(app)
    return app

