"""``mapper serve`` as a real subprocess (waitress or gunicorn), for the tests of several
processes and of the read replica, and for bench_workers."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

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
