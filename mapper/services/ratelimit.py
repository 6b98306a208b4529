"""Token buckets kept in PostgreSQL, so that every process of the service counts the same
requests (``mapper serve --workers N``: a client spread over several processes by the server
is still one client).

One statement per request, atomic under the row's lock: the bucket is refilled by the time
since it was last counted (``rate`` tokens a second, at most ``burst``), one token is taken
when there is one, and the answer says whether it was. The table is UNLOGGED (migration 0016d):
no WAL, no fsync, a client's bucket is simply full again after a crash.
"""
from __future__ import annotations

import random

from sqlalchemy import text
from sqlalchemy.orm import Session

_TAKE = text("""
    WITH c AS (SELECT clock_timestamp() AS now)
    INSERT INTO rate_bucket AS b (key, tokens, allowed, updated_at)
    SELECT :key, :burst - 1, true, c.now FROM c
    ON CONFLICT (key) DO UPDATE SET
        allowed = least(:burst, b.tokens
                        + extract(epoch FROM excluded.updated_at - b.updated_at) * :rate) >= 1,
        tokens = least(:burst, b.tokens
                       + extract(epoch FROM excluded.updated_at - b.updated_at) * :rate)
                 - CASE WHEN least(:burst, b.tokens + extract(epoch FROM excluded.updated_at
                                   - b.updated_at) * :rate) >= 1 THEN 1 ELSE 0 END,
        updated_at = excluded.updated_at
    RETURNING allowed, tokens""")

#: A full bucket is the same as no row: rows idle for longer than this are forgotten.
_FORGET = text("DELETE FROM rate_bucket WHERE updated_at < clock_timestamp() - make_interval("
               "secs => :idle)")


def take_token(session: Session, key: str, rate: float, burst: int) -> float:
    """Take one token from ``key``'s bucket: 0 when taken, else the seconds until one will be
    there (nothing is taken). The caller commits."""
    allowed, tokens = session.execute(
        _TAKE, {"key": key, "rate": float(rate), "burst": float(burst)}).one()
    if random.random() < 0.001:  # keep the table small whoever calls, at no cost per request
        forget_idle(session, max(60.0, burst / rate))
    return 0.0 if allowed else (1.0 - tokens) / rate


def forget_idle(session: Session, idle_s: float) -> int:
    """Delete the buckets nobody drew from for ``idle_s`` seconds (full again by then)."""
    return session.execute(_FORGET, {"idle": float(idle_s)}).rowcount
