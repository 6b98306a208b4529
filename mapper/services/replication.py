"""What a streaming replica knows of its primary: is it a standby still streaming, how far
behind is its replay, and has it replayed a given write (the primary's WAL position after it).

Lag is measured where it is honest on an idle primary: zero when the standby has replayed
all it received, else the age of the last transaction it replayed (or of its start, when it has
replayed none since): a paused or slow replay both show. It errs on the safe side: after a
long idle time the first write makes the standby look late until it has replayed it.
A standby whose WAL receiver is not running (primary unreachable, replication broken) is not
fit: its data may be any age.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

_STATE = text("""
    SELECT pg_is_in_recovery(),
           EXISTS (SELECT 1 FROM pg_stat_wal_receiver),
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM clock_timestamp() - coalesce(
                    pg_last_xact_replay_timestamp(), pg_postmaster_start_time()))
           END,
           COALESCE(pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn), true)""")


@dataclass(frozen=True)
class ReplicaState:
    standby: bool
    streaming: bool
    lag_s: float | None
    caught_up: bool  # has replayed the given position (true when none was given)

    def fit(self, max_lag_s: float) -> bool:
        return (self.standby and self.streaming and self.caught_up and self.lag_s is not None
                and self.lag_s <= max_lag_s)


def replica_state(conn, lsn: str | None) -> ReplicaState:
    """The state of the replica ``conn`` (a Session or Connection) is on; ``lsn``: a position
    it must have replayed (``'16/B374D848'``), or None."""
    standby, streaming, lag, caught_up = conn.execute(_STATE, {"lsn": lsn}).one()
    return ReplicaState(bool(standby), bool(streaming), None if lag is None else float(lag),
                        bool(caught_up))


def primary_lsn(conn) -> str:
    """The primary's WAL position now: a replica that has replayed it has every write
    committed before this call."""
    return str(conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one())
