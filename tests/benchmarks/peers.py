"""The peers of the side-by-side benchmark (``bench_peers``): pygeoapi (its PostgreSQL
provider) and tipg, each in its own virtualenv under ``.venv-peers/`` in the repository
(gitignored; made with pip from the package registry the first time), and our own service,
each started as a real HTTP server in its own process on a free local port, against the same
database.

Every server is one process: ours is ``mapper serve`` (waitress, 4 threads), pygeoapi is its
Flask app under gunicorn (1 worker, 4 threads), tipg is its FastAPI app under uvicorn (1 worker,
asyncio). The benchmark's clients run in another process, so no server shares an interpreter
lock with them.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
VENVS = REPO / ".venv-peers"
#: What each peer's virtualenv needs (its server and, for pygeoapi, its provider's drivers).
PACKAGES = {
    "pygeoapi": ["pygeoapi", "gunicorn", "psycopg2-binary", "sqlalchemy", "geoalchemy2",
                 "pygeofilter"],
    "tipg": ["tipg", "uvicorn"],
}
CONTACT = ("name", "position", "address", "city", "stateorprovince", "postalcode", "country",
           "phone", "fax", "email", "url", "hours", "instructions", "role")
CHECK = {"pygeoapi": "import pygeoapi.provider.sql, pygeoapi.openapi, gunicorn",
         "tipg": "import tipg.main, uvicorn"}


def venv(name: str) -> tuple[Path | None, str]:
    """The bin directory of the peer's virtualenv, made when missing; (None, why) when it
    cannot be installed (no registry, a build failure)."""
    root = VENVS / name
    python = root / "bin" / "python"
    if python.exists() and _imports(python, CHECK[name]):
        return root / "bin", ""
    try:
        VENVS.mkdir(exist_ok=True)
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(root)], check=True,
                           capture_output=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES[name]],
                       check=True, capture_output=True, timeout=1200)
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"{name} could not be installed: {exc} {detail[-300:]!r}"
    if not _imports(python, CHECK[name]):
        return None, f"{name} installed but does not import"
    return root / "bin", ""


def _imports(python: Path, statement: str) -> bool:
    return subprocess.run([str(python), "-c", statement], capture_output=True,
                          timeout=120).returncode == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parts(url: str) -> dict:
    """user, dbname, socket directory and port of our ``postgresql+psycopg://`` URL."""
    parsed = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parsed.query))
    return {"user": parsed.username, "dbname": parsed.path.lstrip("/"),
            "host": query.get("host") or parsed.hostname, "port": int(query.get("port", 5432))}


class Server:
    """A server in its own process, answering ``probe`` before it is used."""

    def __init__(self, name: str, argv: list[str], env: dict, port: int, probe: str,
                 workdir: Path) -> None:
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log = workdir / f"{name}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(argv, env={**os.environ, **env}, cwd=workdir,
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.url + probe, timeout=30) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"{name} did not start: {self.log.read_text()[-1500:]}")
            time.sleep(0.5)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def ours(url: str, workdir: Path) -> Server:
    port = free_port()
    return Server("ours", [sys.executable, "-c", "from mapper.cli import main; main()", "serve", "--host", "127.0.0.1",
                           "--port", str(port), "--threads", "4"],
                  {"MAPPER_DATABASE_URL": url, "PYTHONPATH": str(REPO)}, port,
                  "/ogc/collections", workdir)


def tipg(bin_dir: Path, url: str, tables: list[str], workdir: Path) -> Server:
    db = parts(url)
    host = urllib.parse.quote(db["host"], safe="")  # a socket directory, as asyncpg reads it
    port = free_port()
    env = {"DATABASE_URL": f"postgresql://{db['user']}@{host}:{db['port']}/{db['dbname']}",
           "TIPG_DB_SCHEMAS": '["public"]', "TIPG_DB_TABLES": str(tables).replace("'", '"'),
           "TIPG_MAX_FEATURES_PER_QUERY": "10000", "TIPG_DEBUG": "false"}
    return Server("tipg", [str(bin_dir / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1",
                           "--port", str(port), "--workers", "1", "--no-access-log",
                           "--log-level", "warning"], env, port, "/collections", workdir)


def pygeoapi(bin_dir: Path, url: str, tables: dict[str, dict], workdir: Path) -> Server:
    """``tables``: collection id -> {table, id_field, properties}."""
    db = parts(url)
    port = free_port()
    data = {"host": db["host"], "port": db["port"], "dbname": db["dbname"], "user": db["user"],
            "password": "", "search_path": ["public"]}
    config = {
        "server": {"bind": {"host": "127.0.0.1", "port": port},
                   "url": f"http://127.0.0.1:{port}", "mimetype": "application/json; charset=UTF-8",
                   "encoding": "utf-8", "languages": ["fr-FR"], "pretty_print": False,
                   "limits": {"default_items": 10, "max_items": 10000},
                   "map": {"url": "http://127.0.0.1/{z}/{x}/{y}.png", "attribution": "none"}},
        "logging": {"level": "ERROR"},
        "metadata": {"identification": {"title": "bench", "description": "bench",
                                        "keywords": ["bench"], "url": "http://127.0.0.1",
                                        "terms_of_service": "http://127.0.0.1"},
                     "license": {"name": "CC-BY 4.0", "url": "http://127.0.0.1"},
                     "provider": {"name": "bench", "url": "http://127.0.0.1"},
                     "contact": dict.fromkeys(CONTACT, "bench")},
        "resources": {cid: {
            "type": "collection", "title": cid, "description": cid, "keywords": [cid],
            "extents": {"spatial": {"bbox": [-180, -90, 180, 90],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{"type": "feature", "name": "PostgreSQL", "data": data,
                           "id_field": t["id_field"], "table": t["table"],
                           "geom_field": "geom", "properties": t["properties"]}]}
            for cid, t in tables.items()},
    }
    cfg, api = workdir / "pygeoapi-config.yml", workdir / "pygeoapi-openapi.yml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False))
    env = {"PYGEOAPI_CONFIG": str(cfg), "PYGEOAPI_OPENAPI": str(api)}
    subprocess.run([str(bin_dir / "pygeoapi"), "openapi", "generate", str(cfg),
                    "--output-file", str(api)], env={**os.environ, **env}, check=True,
                   capture_output=True, timeout=300)
    return Server("pygeoapi", [str(bin_dir / "gunicorn"), "--workers", "1", "--threads", "4",
                               "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}",
                               "--log-level", "warning", "pygeoapi.flask_app:APP"],
                  env, port, "/collections", workdir)
