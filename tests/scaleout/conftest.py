"""Real ``mapper serve`` processes (waitress or gunicorn) over a committed world, for the tests
of several processes and of the read replica."""
from __future__ import annotations

import pytest

from .serving import ServeProcess


@pytest.fixture()
def serve():
    """``serve(db_url, workers=…, **env)`` → a running ServeProcess, stopped after the test."""
    started: list[ServeProcess] = []

    def start(db_url: str, **kwargs) -> ServeProcess:
        server = ServeProcess(db_url, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def world_url(database_factory, tmp_path_factory):
    """A committed database with the pages' fictional world and an account per role
    (password ``PASSWORD`` of tests/web)."""
    from mapper.auth.passwords import hash_password
    from mapper.db import Database
    from mapper.services.accounts import create_account
    from tests.web.conftest import PASSWORD, seed

    url = database_factory("scale")
    db = Database(url, 60_000)
    with db.session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("scale"))
    with db.session_scope() as session:
        account, token = create_account(session, email="coord@example.org", role="coordinator",
                                        actor="test", cpts_id=world.cpts["sud"])
        account.password_hash = hash_password(PASSWORD)
    db.engine.dispose()
    return url, world, token
