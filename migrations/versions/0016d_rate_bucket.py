"""Per-client request limits shared by every process of ``mapper serve --workers N`` (issue 16).

One row per (limit, client): the tokens left and when they were counted. UNLOGGED: the buckets
are worth nothing after a crash (a client gets a full bucket again), so they skip the WAL — and
are not sent to a streaming replica either, which never reads them. No data-version trigger: no
page shows them (listed in ``services.dataversion.UNVERSIONED``).

Revision ID: 0016d
Revises: 0016a
"""
from __future__ import annotations

from alembic import op

revision = "0016d"
down_revision = "0016a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE UNLOGGED TABLE rate_bucket (
            key text PRIMARY KEY,
            tokens double precision NOT NULL,
            allowed boolean NOT NULL,
            updated_at timestamptz NOT NULL
        )""")
    op.execute("CREATE INDEX ix_rate_bucket_updated_at ON rate_bucket (updated_at)")


def downgrade() -> None:
    op.execute("DROP TABLE rate_bucket")
