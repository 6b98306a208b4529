"""Reads on a streaming replica (``MAPPER_DATABASE_REPLICA_URL``), writes on the primary.

A request reads on the replica when all of this holds, else everything it does goes to the
primary:

* its method is GET, HEAD or OPTIONS;
* it is anonymous: no ``Authorization`` header (a token's last use is written) and no signed-in
  session (``sid``: a signed-in session is checked and kept on the primary);
* it writes nothing on the way: not an endpoint of ``PRIMARY_ENDPOINTS`` (address suggestions
  count the client and cache, a sign-in link opens a session) and no address searched
  (``adresse``/``address``: the geocoding cache keeps the answer);
* the client's last write has been replayed (read-your-writes): every unsafe request
  (POST, PUT, PATCH, DELETE) of the pages answers with a cookie holding the primary's WAL
  position after it, and while the replica has not replayed that position the client reads on
  the primary (the API writes only with a token, whose requests are all on the primary);
* the replica is fit: reachable, a standby still streaming from its primary, replaying at
  most ``MAPPER_REPLICA_MAX_LAG_S`` seconds behind (``services.replication``). The check is
  the first statement of the request's own transaction on the replica (one round trip, on the
  connection the request then uses). An unreachable replica is not tried again for
  ``DOWN_FOR`` seconds, so that a dead standby costs no connection attempt per request.

The same data version is read where the data is (``http.pagecache`` keys on it), so a cached
page never shows a write the request's database has not replayed, nor misses one it has.
"""
from __future__ import annotations

import logging
import re
import time

from flask import Flask, current_app, g, request
from flask import session as cookie_session
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..db import Database, get_db, make_engine
from ..services.replication import primary_lsn, replica_state

log = logging.getLogger(__name__)

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_ENDPOINTS = frozenset({"adresses.suggest", "account.signin_link"})
ADDRESS_PARAMS = ("adresse", "address")
COOKIE = "mapper_wlsn"
#: Where an unsafe request writes only with a token (never a cookie): the API's anonymous POSTs
#: (a territory check) read, and need no write position.
NO_COOKIE_WRITES = ("/api/", "/ogc", "/fhir")
COOKIE_MAX_AGE = 300
DOWN_FOR = 5.0
_LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")


def reads_only() -> bool:
    """Whether the current request may read on the replica (the rules above but the last)."""
    return (request.method in SAFE and not request.headers.get("Authorization")
            and not cookie_session.get("sid") and request.endpoint not in PRIMARY_ENDPOINTS
            and not any(request.args.get(name, "").strip() for name in ADDRESS_PARAMS))


class Replica:
    def __init__(self, primary: Database, url: str, max_lag_s: float) -> None:
        self.primary = primary
        self.max_lag_s = max_lag_s
        self.engine = make_engine(url, primary.statement_timeout_ms,
                                  connect_args={"connect_timeout": 2,
                                                "application_name": "mapper-replica"})
        self.sessionmaker = primary.factory_for(self.engine)
        self._down_until = 0.0

    def session(self) -> Session:
        """The request's session: on the replica when the request and the replica allow it."""
        if not reads_only() or time.monotonic() < self._down_until:
            return self.primary.sessionmaker()
        lsn = request.cookies.get(COOKIE)
        if lsn is not None and not _LSN.match(lsn):
            return self.primary.sessionmaker()  # not ours: the safe side
        session = self.sessionmaker()
        try:
            state = replica_state(session, lsn)
        except DBAPIError as exc:
            session.close()
            self._down_until = time.monotonic() + DOWN_FOR
            log.warning("replica unreachable, reads on the primary for %ss: %s", DOWN_FOR,
                        str(exc).splitlines()[0])
            return self.primary.sessionmaker()
        if not state.fit(self.max_lag_s):
            session.close()
            log.info("reading on the primary: replica %s", state)
            return self.primary.sessionmaker()
        g.db_on_replica = True
        return session


def _remember_write(response):
    """After an unsafe request: the primary's WAL position, so that the client's next reads
    wait for the replica to have replayed its write (or go to the primary)."""
    if (request.method in SAFE or request.headers.get("Authorization") or "db_session" not in g
            or request.path.startswith(NO_COOKIE_WRITES)):
        return response
    try:
        with get_db().engine.connect() as conn:
            lsn = primary_lsn(conn)
    except DBAPIError:
        return response
    response.set_cookie(COOKIE, lsn, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask, url: str, max_lag_s: float) -> Replica:
    database = get_db(app)
    replica = Replica(database, url, max_lag_s)
    database.route = replica.session
    app.extensions["mapper.replica"] = replica
    app.after_request(_remember_write)
    return replica
