"""Slowing down password guessing without locking owners out.

Failures are counted per (e-mail, IP) pair, and per IP with a higher allowance (many e-mails
tried from one place). Past the free attempts, each failure doubles the wait before the next
attempt is judged (30 s, 1 min, 2 min… at most 15 min); a success clears the pair. The owner
signing in from elsewhere is never slowed by someone else's guesses, and nobody behind a shared
address is locked out by one person.

Atomic: the rows are locked (``SELECT … FOR UPDATE``) while an attempt is judged, so parallel
attempts queue instead of slipping past the limit together.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import TooManyRequests

FREE_PER_PAIR = 5
FREE_PER_IP = 50
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)

_LOCK = text("""
    INSERT INTO login_throttle (key) VALUES (:key) ON CONFLICT (key) DO NOTHING;
""")
_ROW = text("SELECT failures, next_allowed_at FROM login_throttle WHERE key = :key FOR UPDATE")


def keys(email: str, ip: str) -> tuple[str, str]:
    return f"pair:{email[:320]}|{ip[:64]}", f"ip:{ip[:64]}"


def _wait(failures: int, free: int) -> timedelta | None:
    if failures < free:
        return None
    return min(FIRST_WAIT * 2 ** (failures - free), LONGEST_WAIT)


def check(session: Session, email: str, ip: str) -> None:
    """429 with Retry-After while the pair (or the IP) must wait; locks their rows until the
    end of the transaction."""
    now = datetime.now(timezone.utc)
    for key in keys(email, ip):
        session.execute(_LOCK, {"key": key})
        _, next_allowed_at = session.execute(_ROW, {"key": key}).one()
        if next_allowed_at is not None and next_allowed_at > now:
            seconds = int((next_allowed_at - now).total_seconds()) + 1
            raise TooManyRequests(
                f"Trop de tentatives de connexion. Réessayez dans {seconds} secondes.",
                headers={"Retry-After": str(seconds)})


def record(session: Session, email: str, ip: str, success: bool) -> None:
    """After an attempt: a success clears the pair, a failure counts and may impose a wait."""
    pair, per_ip = keys(email, ip)
    if success:
        session.execute(text("DELETE FROM login_throttle WHERE key = :key"), {"key": pair})
        return
    now = datetime.now(timezone.utc)
    for key, free in ((pair, FREE_PER_PAIR), (per_ip, FREE_PER_IP)):
        failures = session.execute(text(
            "UPDATE login_throttle SET failures = failures + 1, updated_at = now() "
            "WHERE key = :key RETURNING failures"), {"key": key}).scalar_one()
        wait = _wait(failures, free)
        if wait is not None:
            session.execute(text("UPDATE login_throttle SET next_allowed_at = :at WHERE key = :key"),
                            {"at": now + wait, "key": key})
