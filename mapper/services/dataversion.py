"""The version of the data public pages show: a new value of a sequence with every statement that
writes to a table a page reads (``data_version``, set by statement triggers in the writing
transaction, see migration 0013).

A cache of a page keyed by this version cannot serve data older than the version says: read the
version *before* the data (in READ COMMITTED a write committed in between makes the cached page
fresher than its key, never staler). Sequence values are never reused, so a rolled-back write
cannot make an old key current again.
"""
from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session

#: Tables whose writes change no page: no trigger (checked by tests/foundation/test_data_version).
UNVERSIONED = frozenset({
    "alembic_version", "data_version", "spatial_ref_sys", "account", "api_token", "audit_event",
    "geocode_cache", "address_suggestion_cache", "login_attempt", "signin_link",
    "signin_session", "login_throttle", "annuaire_run", "annuaire_stage", "rate_bucket"})


def data_version(session: Session | Connection) -> int:
    """The current version of the data public pages show. (The driver's SQL as is: this runs
    before every public read, and answers a ``304`` alone.)"""
    bind = session.connection() if isinstance(session, Session) else session
    return int(bind.exec_driver_sql("SELECT n FROM data_version WHERE id = 1").scalar_one())
