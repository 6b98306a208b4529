"""Reads run beside the request's: ``beside`` starts an independent read on a second
connection of the same engine while the caller goes on."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")
#: Threads running reads beside the requests': two per process, so that a busy server takes at
#: most two connections of its pool more than it has request threads.
_BESIDE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="db-beside")


def beside(session: Session, read: Callable[[Session], T]) -> Callable[[], T]:
    """Start ``read`` (a read only, independent of what the caller reads meanwhile) on a second
    connection while the caller goes on; the returned function waits for its result.

    A page whose build is a few independent reads of a hundred milliseconds each (the territories
    map: outlines, overlap areas) takes the longest instead of their sum. ``read`` runs in turn
    on ``session`` itself when a second connection would not see what ``session`` sees (a
    session bound to a connection: a test's transaction) or holds unflushed changes, and when no
    thread was free by the time the caller needs the result (no waiting in a queue).
    The second connection has its own snapshot: for public reads, not within a write."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or session.new or session.dirty or session.deleted:
        value = read(session)
        return lambda: value

    def in_other_session() -> T:
        with Session(bind=bind) as other:
            return read(other)

    future = _BESIDE.submit(in_other_session)

    def result() -> T:
        if future.cancel():  # not started: no thread was free
            return read(session)
        return future.result()
    return result
