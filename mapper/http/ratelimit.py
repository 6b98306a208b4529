"""Per-client request limits for endpoints a browser calls on every keystroke.

Each client (its IP address, as the sign-in throttle counts it) gets a token bucket
(``geocoding.ratelimit.TokenBucket``, the same bucket that keeps us under the BAN's limit):
``rate`` requests per second on average, ``burst`` at once. Past it the request is refused
with a 429 and a ``Retry-After`` header, never queued. The buckets live in the process
(``mapper serve`` is one process with threads); the least recently seen clients are forgotten
beyond ``max_clients``, so memory stays bounded whoever calls.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

from flask import request

from ..errors import TooManyRequests
from ..geocoding.ratelimit import TokenBucket


class ClientRateLimit:
    def __init__(self, rate: float, burst: int, *, max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def _bucket(self, key: str) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
                while len(self._buckets) > self.max_clients:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(key)
            return bucket

    def check(self, key: str | None = None) -> None:
        """Count one request of ``key`` (default: the current request's client address);
        raise TooManyRequests (429, Retry-After in whole seconds) when it is over the limit."""
        key = key or request.remote_addr or "unknown"
        wait = self._bucket(key).try_acquire()
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"Trop de requêtes : réessayez dans {seconds} seconde{'s' if seconds > 1 else ''}.",
                headers={"Retry-After": str(seconds)},
                log_message=f"rate limit: {key} over {self.rate}/s")
