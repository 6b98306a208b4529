"""``mapper serve --workers N`` with N > 1: several processes under gunicorn.

On two cores the threads of one process share one interpreter lock; processes do not. The
application is built once in the master (``preload_app``: the settings, the secret key, the
icon font and the templates are the same in every worker, and each worker is a fork of it)
and each worker serves with threads (``gthread``). Nothing a request needs lives only in a
worker: sessions are signed cookies checked against ``signin_session`` (same secret key), CSRF
secrets ride in the signed cookie, rate limits and the sign-in throttle are rows in
PostgreSQL, and the page cache is keyed by the data version read from the database.

SIGTERM (or Ctrl-C) stops gracefully: the workers finish their requests, up to
``GRACEFUL_TIMEOUT`` seconds. Other gunicorn settings come from ``GUNICORN_CMD_ARGS``, as
gunicorn itself reads them (``--access-logfile -``, ``--forwarded-allow-ips``…).
"""
from __future__ import annotations

import logging
import os
import shlex

GRACEFUL_TIMEOUT = 30
log = logging.getLogger(__name__)


def gunicorn_available() -> bool:
    try:
        import gunicorn.app.base  # noqa: F401
        import fcntl  # noqa: F401  (POSIX only: gunicorn does not run on Windows)
    except ImportError:
        return False
    return True


def _dispose_engines(app) -> None:
    """After the fork: never share the master's pooled connections with a worker."""
    for name in ("mapper.db", "mapper.replica"):
        holder = app.extensions.get(name)
        if holder is not None:
            holder.engine.dispose(close=False)


def serve_with_gunicorn(app, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "gthread", "preload_app": True, "graceful_timeout": GRACEFUL_TIMEOUT,
        "timeout": 120, "keepalive": 5, "proc_name": "carto-cpts", "errorlog": "-",
        "loglevel": "info", "post_fork": lambda server, worker: _dispose_engines(app),
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)
            # Further settings the way gunicorn takes them (an access log, proxy addresses…).
            extra = self.cfg.parser().parse_args(shlex.split(os.environ.get(
                "GUNICORN_CMD_ARGS", "")))
            for key, value in vars(extra).items():
                if value is not None and key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
