"""How the service is deployed around the application: behind reverse proxies (whose
``X-Forwarded-For``/``-Proto`` are trusted for exactly ``MAPPER_PROXY_COUNT`` hops, so that the
per-client limits and the sign-in throttle count clients, not the proxy), and with a read
replica (``http.replica``)."""
from __future__ import annotations

from flask import Flask

from ..config import Settings


def init_app(app: Flask, settings: Settings) -> None:
    if settings.proxy_count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_count,
                                x_proto=settings.proxy_count)
    if settings.database_replica_url:
        from . import replica

        replica.init_app(app, settings.database_replica_url, settings.replica_max_lag_s)
