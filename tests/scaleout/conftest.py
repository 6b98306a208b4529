"""Real ``mapper serve`` processes (waitress or gunicorn) over a committed world, for the tests
of several processes and of the read replica."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """``mapper serve`` in a subprocess; its output is kept in ``lines``."""

    def __init__(self, db_url: str, *, workers: int = 1, threads: int = 4, **env) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        base = {k: v for k, v in os.environ.items() if not k.startswith("MAPPER_")}
        base.update({"MAPPER_DATABASE_URL": db_url, "MAPPER_INSECURE_COOKIES": "1",
                     "MAPPER_TILES_URL": "", "MAPPER_BAN_URL": "http://127.0.0.1:9/geocodage",
                     "MAPPER_API_GEO_URL": "http://127.0.0.1:9", "PYTHONPATH": str(REPO),
                     "PYTHONUNBUFFERED": "1"})
        base.update(env)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from mapper.cli import main; main()", "serve", "--port",
             str(self.port), "--workers", str(workers), "--threads", str(threads)],
            env=base, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.lines: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        self._wait_ready()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mapper serve exited:\n" + "\n".join(self.lines))
            try:
                requests.get(self.url + "/api/v1/openapi.json", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("mapper serve did not answer:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode


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
