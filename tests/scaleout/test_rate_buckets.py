"""The token buckets in PostgreSQL (``services.ratelimit``): the burst, the refill by the
clock, the wait told, and idle buckets forgotten."""
from __future__ import annotations

from sqlalchemy import text

from mapper.services.ratelimit import forget_idle, take_token


def test_a_burst_then_a_wait_then_a_refill(session):
    assert [take_token(session, "t:a", 1.0, 3) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = take_token(session, "t:a", 1.0, 3)
    assert 0 < wait <= 1.0
    assert take_token(session, "t:b", 1.0, 3) == 0.0  # another client has its own bucket
    session.execute(text("UPDATE rate_bucket SET updated_at = updated_at - interval '2 s' "
                         "WHERE key = 't:a'"))
    assert take_token(session, "t:a", 1.0, 3) == 0.0  # two seconds: two tokens back
    assert take_token(session, "t:a", 1.0, 3) == 0.0
    assert take_token(session, "t:a", 1.0, 3) > 0


def test_idle_buckets_are_forgotten(session):
    take_token(session, "t:old", 1.0, 3)
    take_token(session, "t:new", 1.0, 3)
    session.execute(text("UPDATE rate_bucket SET updated_at = updated_at - interval '2 hours' "
                         "WHERE key = 't:old'"))
    assert forget_idle(session, 3600) == 1
    keys = set(session.execute(text("SELECT key FROM rate_bucket")).scalars())
    assert "t:new" in keys and "t:old" not in keys
