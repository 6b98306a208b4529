"""``services.beside``: a read run on a second connection while the caller goes on, or in turn on the
caller's own session when another connection would not see the same data or no thread is free."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from mapper.db import Database
from mapper.services import beside as dbmod
from mapper.services.beside import beside

PID = text("SELECT pg_backend_pid()")


def _pid_and_flag(session: Session) -> tuple[int, int]:
    return session.execute(PID).scalar_one(), session.execute(
        text("SELECT count(*) FROM pg_tables WHERE tablename = 'beside_probe'")).scalar_one()


@pytest.fixture(scope="module")
def database(database_factory):
    database = Database(database_factory("beside"), 30_000)
    yield database
    database.engine.dispose()


def test_a_read_beside_runs_on_another_connection_at_the_same_time(database):
    started, release = threading.Event(), threading.Event()

    def read(other: Session) -> int:
        started.set()
        assert release.wait(10)
        return other.execute(PID).scalar_one()

    with database.sessionmaker() as session:
        mine = session.execute(PID).scalar_one()
        result = beside(session, read)
        assert started.wait(10)  # running while the caller goes on
        assert session.execute(text("SELECT 1")).scalar_one() == 1
        release.set()
        assert result() != mine


def test_a_session_bound_to_a_connection_reads_in_turn_and_sees_its_own_writes(database):
    with database.engine.connect() as conn:
        conn.execute(text("CREATE TABLE beside_probe (n int)"))  # not committed
        with Session(bind=conn) as session:
            pid, seen = beside(session, _pid_and_flag)()
            assert pid == session.execute(PID).scalar_one()
            assert seen == 1
        conn.rollback()


def test_a_session_with_unflushed_changes_reads_in_turn(database):
    from mapper.models import Cpts

    with database.sessionmaker() as session, session.no_autoflush:
        session.add(Cpts(name="Pending", slug="pending"))
        pid, _ = beside(session, _pid_and_flag)()
        session.expunge_all()
        assert pid == session.execute(PID).scalar_one()


def test_without_a_free_thread_the_read_runs_in_turn_instead_of_queueing(database):
    release = threading.Event()
    busy = [dbmod._BESIDE.submit(release.wait, 10) for _ in range(dbmod._BESIDE._max_workers)]
    try:
        with database.sessionmaker() as session:
            pid, _ = beside(session, _pid_and_flag)()
            assert pid == session.execute(PID).scalar_one()
    finally:
        release.set()
        for f in busy:
            f.result()


def test_an_error_in_the_read_reaches_the_caller(database):
    def read(other: Session):
        return other.execute(text("SELECT 1 / 0")).scalar_one()

    with database.sessionmaker() as session:
        result = beside(session, read)
        with pytest.raises(Exception, match="division by zero"):
            result()
