"""A thread-safe token bucket shared by every call to one geocoding service.

The Géoplateforme allows 50 requests per second per IP address and answers 429 beyond it. The
limit is per service, not per client object, so single and batch calls (and every client built for
the same host) draw from one bucket obtained with :func:`limiter_for`.
"""
from __future__ import annotations

import threading
import time
from typing import Callable


class TokenBucket:
    """Allow ``rate`` acquisitions per second on average, at most ``burst`` at once.

    ``acquire`` reserves its token under the lock and sleeps outside it, so concurrent callers
    are queued fairly and no one holds the lock while waiting.
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be > 0, got {rate}")
        if burst < 1:
            raise ValueError(f"burst must be >= 1, got {burst}")
        self.rate = float(rate)
        self.burst = int(burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def acquire(self) -> float:
        """Take one token, sleeping until it is available; return the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if wait > 0:
            self._sleep(wait)
        return wait

    def try_acquire(self) -> float:
        """Take one token if one is available now and return 0; otherwise take nothing and
        return the seconds until one will be (for a 429's ``Retry-After``, never a sleep)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate


_registry: dict[str, TokenBucket] = {}
_registry_lock = threading.Lock()


def limiter_for(key: str, rate: float = 50.0, burst: int = 1) -> TokenBucket:
    """Return the process-wide bucket for ``key`` (a service host), creating it on first use.

    The first caller's ``rate`` and ``burst`` win: a limit belongs to the service, not the caller.
    """
    with _registry_lock:
        bucket = _registry.get(key)
        if bucket is None:
            bucket = _registry[key] = TokenBucket(rate, burst)
        return bucket
