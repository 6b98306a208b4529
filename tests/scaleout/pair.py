"""A PostgreSQL primary and its hot standby on this machine, for the replica tests: two
embedded clusters (``mapper.embedded``, unprivileged when we are root), the standby made with
``pg_basebackup -R`` and streaming from the primary over its Unix socket."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from mapper.embedded import PORT, EmbeddedCluster


class Standby(EmbeddedCluster):
    """A cluster folder whose data is a base backup of ``primary``, started as a hot standby."""

    def make_from(self, primary: EmbeddedCluster) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.user is not None:
            for p in (self.root, self.socket_dir):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.root, 0o700)
        self._cmd("pg_basebackup", "-D", str(self.pgdata), "-R", "-X", "stream", "-c", "fast",
                  "-h", str(primary.socket_dir), "-p", str(PORT), "-U", "postgres")
        with open(self.pgdata / "postgresql.auto.conf", "a") as fh:
            fh.write(f"unix_socket_directories = '{self.socket_dir}'\n"
                     "hot_standby = on\nwal_receiver_status_interval = 1\n")

    def start_standby(self) -> None:
        self._cmd("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.pgdata),
                  "-l", str(self.logfile))

    def stop_standby(self) -> None:
        self._cmd("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.pgdata))

    def sql(self, statement: str, db: str = "postgres") -> str:
        return self._psql(statement, db=db)

    def wait_caught_up(self, primary: EmbeddedCluster, timeout: float = 30) -> None:
        target = primary._psql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'") == "t":
                return
            time.sleep(0.1)
        raise AssertionError(f"standby did not replay {target}")


def start_pair(root: Path) -> tuple[EmbeddedCluster, Standby]:
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # the server user (postgres when we are root) must traverse it
    primary = EmbeddedCluster(root / "primary")
    primary.start()
    standby = Standby(root / "standby")
    return primary, standby


def destroy_pair(primary: EmbeddedCluster, standby: Standby) -> None:
    try:
        if standby.running():
            standby.stop_standby()
    finally:
        primary.destroy()
        shutil.rmtree(standby.root, ignore_errors=True)
