"""The embedded default: a PostgreSQL + PostGIS cluster that the project manages under ``data/pg``.

Why: ``make run`` must work on a fresh machine with nothing configured, without touching any
PostgreSQL server the machine may already run. The cluster listens only on a Unix socket inside
its own folder (``listen_addresses = ''``), so it never collides with another server, and only its
owner (and root) may connect (``unix_socket_permissions = 0700``).

PostgreSQL refuses to run as root. When this process is root (CI is), every server command runs as
an unprivileged system user — ``postgres`` from the Debian package, or ``mapper-pg`` created on
demand — and the cluster folder belongs to that user.

The application connects as ``mapper``, a non-superuser role that owns the ``mapper`` database;
only this module, as the cluster superuser, creates the PostGIS extension.
"""
from __future__ import annotations

import fcntl
import glob
import hashlib
import logging
import os
import pwd
import shutil
import stat
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PORT = 5432
APP_ROLE = "mapper"
APP_DB = "mapper"
SUPERUSER = "postgres"
_SOCKET_MAX = 100  # sun_path is 108 bytes; keep a margin for ".s.PGSQL.5432"


class EmbeddedError(RuntimeError):
    """The embedded cluster cannot be set up or started; the message says what to do."""


def find_bindir() -> Path:
    """Locate the PostgreSQL server binaries (Debian keeps them out of PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for bindir in reversed(candidates):
        if Path(bindir, "initdb").exists():
            return Path(bindir)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise EmbeddedError(
        "PostgreSQL server binaries not found. Run `make install` (it installs postgresql and "
        "postgis from the distribution) or set MAPPER_DATABASE_URL to an existing PostGIS server."
    )


def _run_user() -> pwd.struct_passwd | None:
    """The unprivileged user to run the server as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "mapper-pg"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "mapper-pg"],
        check=True,
    )
    return pwd.getpwnam("mapper-pg")


def _traversable_by(path: Path, user: pwd.struct_passwd | None) -> bool:
    if user is None:
        return True
    for parent in [path, *path.parents]:
        if not parent.exists():
            continue
        st = parent.stat()
        if st.st_uid == user.pw_uid:
            continue
        if not st.st_mode & stat.S_IXOTH:
            return False
    return True


@dataclass
class EmbeddedCluster:
    """One cluster folder: ``data/`` (PGDATA), ``run/`` (socket), ``postgres.log``."""

    root: Path
    fast_and_unsafe: bool = False  # fsync off: for throwaway test clusters only

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.user = _run_user()
        if not _traversable_by(self.root.parent, self.user) or len(str(self.root)) > _SOCKET_MAX - 20:
            digest = hashlib.sha1(str(self.root).encode()).hexdigest()[:12]
            fallback = Path("/var/tmp") / f"mapper-pg-{digest}"
            log.warning("cluster folder %s is not usable by %s; using %s", self.root,
                        self.user.pw_name if self.user else "this user", fallback)
            self.root = fallback
        self.pgdata = self.root / "data"
        self.socket_dir = self.root / "run"
        self.logfile = self.root / "postgres.log"
        self.bindir = find_bindir()

    # -- plumbing ---------------------------------------------------------------------------
    def _cmd(self, *args: str, check: bool = True, capture: bool = True) -> subprocess.CompletedProcess:
        kwargs: dict = {"cwd": str(self.root), "text": True, "env": {**os.environ, "LC_ALL": "C.UTF-8"}}
        if self.user is not None:
            kwargs.update(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[])
        if capture:
            kwargs.update(stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        proc = subprocess.run([str(self.bindir / args[0]), *args[1:]], **kwargs)
        if check and proc.returncode != 0:
            raise EmbeddedError(f"{args[0]} failed ({proc.returncode}): {proc.stdout}")
        return proc

    def _psql(self, sql: str, db: str = "postgres") -> str:
        return self._cmd(
            "psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
            "-p", str(PORT), "-U", SUPERUSER, "-d", db, "-c", sql,
        ).stdout.strip()

    @contextmanager
    def _lock(self):
        self.root.mkdir(parents=True, exist_ok=True)
        lock_path = self.root.parent / f".{self.root.name}.lock"
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- lifecycle --------------------------------------------------------------------------
    @property
    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.user is not None:
            for p in (self.root, self.socket_dir):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.root, 0o700)
        self._cmd("initdb", "-D", str(self.pgdata), "-U", SUPERUSER, "--auth-local=trust",
                  "--auth-host=reject", "-E", "UTF8", "--locale=C.UTF-8")
        conf = [
            "listen_addresses = ''",
            f"unix_socket_directories = '{self.socket_dir}'",
            "unix_socket_permissions = 0700",
            f"port = {PORT}",
            "shared_buffers = '256MB'",
            "work_mem = '32MB'",
            "maintenance_work_mem = '256MB'",
            "max_connections = 100",
            "logging_collector = off",
            "timezone = 'UTC'",
        ]
        if self.fast_and_unsafe:
            conf += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(self.pgdata / "postgresql.auto.conf", "a") as fh:
            fh.write("\n".join(conf) + "\n")

    def running(self) -> bool:
        if not self.initialised:
            return False
        return self._cmd("pg_ctl", "status", "-D", str(self.pgdata), check=False).returncode == 0

    def start(self) -> str:
        """Initialise on first use, start when stopped, and return the application's URL."""
        with self._lock():
            if not self.initialised:
                log.info("initialising embedded PostgreSQL cluster in %s", self.root)
                self.init()
            if not self.running():
                self._cmd("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.pgdata),
                          "-l", str(self.logfile))
            self._bootstrap()
        return self.url

    def stop(self) -> None:
        with self._lock():
            if self.running():
                self._cmd("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.pgdata))

    def status(self) -> str:
        if not self.initialised:
            return f"not initialised ({self.root})"
        return f"{'running' if self.running() else 'stopped'} ({self.root})"

    def _bootstrap(self) -> None:
        """Create the application role, its database and PostGIS; idempotent."""
        for _ in range(50):  # the socket may appear a moment after pg_ctl returns
            if (self.socket_dir / f".s.PGSQL.{PORT}").exists():
                break
            time.sleep(0.1)
        if not self._psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}'"):
            self._psql(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        if not self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{APP_DB}'"):
            self._psql(f"CREATE DATABASE {APP_DB} OWNER {APP_ROLE}")
        self.ensure_postgis(APP_DB)

    def ensure_postgis(self, db: str) -> None:
        try:
            self._psql("CREATE EXTENSION IF NOT EXISTS postgis", db=db)
        except EmbeddedError as exc:
            raise EmbeddedError(
                "PostGIS is not installed for this PostgreSQL. Run `make install`, or "
                "`apt-get install postgresql-15-postgis-3`.\n" + str(exc)
            ) from exc

    def create_database(self, name: str) -> str:
        """A further database owned by the application role (used by tests)."""
        if not self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            self._psql(f"CREATE DATABASE {name} OWNER {APP_ROLE}")
        self.ensure_postgis(name)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database made by ``create_database``, closing its remaining connections."""
        self._psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    @property
    def url(self) -> str:
        return self.url_for(APP_DB)

    def url_for(self, db: str) -> str:
        return f"postgresql+psycopg://{APP_ROLE}@/{db}?host={self.socket_dir}&port={PORT}"

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
