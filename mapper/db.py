"""Engine and one session per request.

Why a per-request session in ``flask.g``: views call one service with a ``Session`` and never
manage connections. Each transaction starts with ``SET LOCAL statement_timeout`` so that a slow
query cannot hold a worker: the API default is 5 s, imports and CLI commands set their own.
``pool_pre_ping`` lets the process survive a database restart and recover by itself.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Callable, Iterator

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def make_engine(url: str, **kwargs) -> Engine:
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


def _install_timeout(factory: sessionmaker, timeout_ms: int) -> None:
    @event.listens_for(factory, "after_begin")
    def _set_timeout(session, transaction, connection):  # noqa: ARG001
        if transaction.nested:
            return
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_ms)}")


class Database:
    """Holds the engine and the session factory of one application."""

    def __init__(self, url: str, statement_timeout_ms: int) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.statement_timeout_ms = statement_timeout_ms
        self.sessionmaker = self._factory(self.engine)
        #: ``http.replica``: the request's session, on a replica or on this primary.
        self.route: Callable[[], Session] | None = None

    def factory_for(self, engine: Engine) -> sessionmaker:
        """Sessions on another engine (a replica) with the same statement timeout."""
        return self._factory(engine)

    def _factory(self, bind, **kwargs) -> sessionmaker:
        factory = sessionmaker(bind=bind, expire_on_commit=False, **kwargs)
        _install_timeout(factory, self.statement_timeout_ms)
        return factory

    def bind_to_connection(self, connection) -> None:
        """Tests: run every session inside an outer transaction rolled back at teardown."""
        self.sessionmaker = self._factory(connection, join_transaction_mode="create_savepoint")

    def unbind(self) -> None:
        self.sessionmaker = self._factory(self.engine)

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
