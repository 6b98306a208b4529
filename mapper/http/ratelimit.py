"""Per-client request limits for endpoints a browser calls on every keystroke.

Each client (its IP address, as the sign-in throttle counts it) gets a token bucket: ``rate``
requests per second on average, ``burst`` at once. Past it the request is refused with a 429
and a ``Retry-After`` header, never queued.

The buckets live in PostgreSQL (``services.ratelimit``, an UNLOGGED table), not in the process:
``mapper serve --workers N`` runs several processes and a client's requests land on any of
them, so they must count against one bucket. The count is committed at once, before the view
runs, so that a refused (429) or failed (422) request counts too and nothing of the view's own
work is committed with it.
"""
from __future__ import annotations

import math

from flask import request

from ..db import get_session
from ..errors import TooManyRequests
from ..services.ratelimit import take_token


class ClientRateLimit:
    def __init__(self, rate: float, burst: int, *, name: str = "autocomplete") -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1, got {rate}, {burst}")
        self.rate = rate
        self.burst = burst
        self.name = name

    def check(self, key: str | None = None) -> None:
        """Count one request of ``key`` (default: the current request's client address);
        raise TooManyRequests (429, Retry-After in whole seconds) when it is over the limit."""
        key = key or request.remote_addr or "unknown"
        session = get_session()
        wait = take_token(session, f"{self.name}:{key}", self.rate, self.burst)
        session.commit()
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"Trop de requêtes : réessayez dans {seconds} seconde{'s' if seconds > 1 else ''}.",
                headers={"Retry-After": str(seconds)},
                log_message=f"rate limit: {key} over {self.rate}/s")
