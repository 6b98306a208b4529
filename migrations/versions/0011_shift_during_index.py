"""on-call "now and later today": a GiST index on a CPTS's shifts by their time range

"Shifts of this CPTS whose range meets [now, end of today)" is a range overlap
(``tstzrange(starts_at, ends_at) && tstzrange(now, eod)``). A b-tree on ``(cpts_id,
starts_at)`` answers only one side of it (``starts_at < eod``), so it walks the whole past
of the rota; this index answers both sides (btree_gist, created in 0002, puts the CPTS in it).

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_shift_cpts_during ON shift "
               "USING gist (cpts_id, tstzrange(starts_at, ends_at))")


def downgrade() -> None:
    op.execute("DROP INDEX ix_shift_cpts_during")
