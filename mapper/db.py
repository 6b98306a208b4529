"""Engine and one session per request.

Why a per-request session in ``flask.g``: views call one service with a ``Session`` and never
manage connections. Every connection is opened with ``statement_timeout`` (libpq ``options``),
so that a slow query cannot hold a worker without a ``SET`` round trip per request: the API
default is 5 s; imports and CLI commands set their own per transaction (``session_scope``).

Surviving a database restart without a ping on every checkout: a connection that was idle in
the pool for more than ``IDLE_PING_S`` is pinged before use (a dead one is replaced, the pool
retries); one in steady use is not — if the server went away under it, the statement fails
with a disconnect error, SQLAlchemy invalidates every connection opened before it, and the next
request gets a new one. Connections are also recycled after ``RECYCLE_S``.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


#: Seconds a pooled connection may sit idle before it is pinged on checkout.
IDLE_PING_S = 10
#: Seconds after which a connection is closed and opened again on checkout.
RECYCLE_S = 1800


def make_engine(url: str, statement_timeout_ms: int | None = None, **kwargs) -> Engine:
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_recycle", RECYCLE_S)
    if statement_timeout_ms is not None:
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args["options"] = (connect_args.get("options", "")
                                   + f" -c statement_timeout={int(statement_timeout_ms)}").strip()
        kwargs["connect_args"] = connect_args
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record):  # noqa: ARG001
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, proxy):  # noqa: ARG001
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_S:
            return  # new, or in steady use: no round trip
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as err:  # the server went away: the pool opens a new one
            raise exc.DisconnectionError() from err


class Database:
    """Holds the engine and the session factory of one application."""

    def __init__(self, url: str, statement_timeout_ms: int) -> None:
        self.url = url
        self.engine = make_engine(url, statement_timeout_ms)
        self.statement_timeout_ms = statement_timeout_ms
        self.sessionmaker = self._factory(self.engine)
        self.bound = False
        #: ``http.replica``: the request's session, on a replica or on this primary.
        self.route: Callable[[], Session] | None = None

    def factory_for(self, engine: Engine) -> sessionmaker:
        """Sessions on another engine (a replica; its statement timeout is the engine's, as
        ``make_engine`` sets it per connection)."""
        return self._factory(engine)

    def _factory(self, bind, **kwargs) -> sessionmaker:
        return sessionmaker(bind=bind, expire_on_commit=False, **kwargs)

    def bind_to_connection(self, connection) -> None:
        """Tests: run every session inside an outer transaction rolled back at teardown."""
        self.sessionmaker = self._factory(connection, join_transaction_mode="create_savepoint")
        self.bound = True

    def unbind(self) -> None:
        self.sessionmaker = self._factory(self.engine)
        self.bound = False

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection for one read outside any transaction: one round trip, no ``BEGIN`` nor
        ``ROLLBACK`` (``http.conditional`` reads the data version so before every public read).
        Sessions bound to a test's connection see what that test wrote: they are used instead."""
        if self.bound:
            yield get_session().connection()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    @contextmanager
    def session_scope(self, timeout_ms: int | None = None) -> Iterator[Session]:
        """A session outside a request (CLI, imports): committed on success, rolled back on error."""
        session = self.sessionmaker()
        try:
            if timeout_ms is not None:
                session.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def init_app(app: Flask, url: str, statement_timeout_ms: int) -> Database:
    database = Database(url, statement_timeout_ms)
    app.extensions["mapper.db"] = database

    @app.teardown_appcontext
    def _close_session(exc):  # noqa: ARG001
        session = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    return database


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["mapper.db"]


def get_session() -> Session:
    """The request's session, created on first use (on a replica when ``http.replica``
    routes the request there)."""
    if "db_session" not in g:
        database = get_db()
        g.db_session = database.route() if database.route else database.sessionmaker()
    return g.db_session
