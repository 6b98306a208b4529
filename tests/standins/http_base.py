"""A threaded stdlib HTTP server on 127.0.0.1 that records requests and fails on demand.

Stand-ins for external services subclass :class:`StandInServer` and implement ``handle``. The
recording (method, path, query, body, monotonic timestamp) lets tests check what the client
sent and how fast; ``fail_with`` and ``stop`` simulate an overloaded or vanished service.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    t: float
    info: dict = field(default_factory=dict)  # what the stand-in made of it (e.g. CSV rows)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload, status: int = 200) -> "Response":
        return cls(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


class StandInServer:
    """Base class: start on a free port, record requests, inject failures."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.delay = 0.0  # seconds to wait before answering (timeouts)
        self._failure: tuple[int, int | None, dict[str, str]] | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> "StandInServer":
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                standin._dispatch(self)

            def do_POST(self):
                standin._dispatch(self)

            def log_message(self, format, *args):  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down and release the port: later requests get "connection refused"."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self) -> int:
        """The port bound at start; still known after ``stop`` to test a vanished service."""
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    # -- failure injection ------------------------------------------------------------------

    def fail_with(self, status: int = 503, times: int | None = None, headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` requests (all of them when None) with ``status``."""
        with self._lock:
            self._failure = (status, times, dict(headers or {}))

    def recover(self) -> None:
        with self._lock:
            self._failure = None

    def _take_failure(self) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            if self._failure is None:
                return None
            status, times, headers = self._failure
            if times is not None:
                self._failure = (status, times - 1, headers) if times > 1 else None
            return status, headers

    # -- request handling -------------------------------------------------------------------

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    def handle(self, request: RecordedRequest) -> Response:
        raise NotImplementedError

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=handler.command, path=url.path, query=parse_qs(url.query, keep_blank_values=True),
            headers={k: v for k, v in handler.headers.items()}, body=body, t=time.monotonic(),
        )
        with self._lock:
            self.requests.append(request)
        if self.delay:
            time.sleep(self.delay)
        failure = self._take_failure()
        if failure is not None:
            status, headers = failure
            response = Response.json({"code": status, "message": HTTPStatus(status).phrase}, status)
            response.headers.update(headers)
        else:
            try:
                response = self.handle(request)
            except Exception as exc:  # a stand-in bug must show up as a 500, not a hang
                response = Response.json({"code": 500, "message": repr(exc)}, 500)
        try:
            handler.send_response(response.status)
            handler.send_header("Content-Type", response.content_type)
            handler.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)
