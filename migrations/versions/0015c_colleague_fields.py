"""Professional-only fields of an entry (issue 17): the MSSanté address, how referrals are
preferred, whether patients referred by a colleague are taken, and a short note to colleagues.

Columns of ``professional``, which already has its data-version trigger (0013); no new table.

Revision ID: 0015c
Revises: 0015f
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015c"
down_revision = "0015f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("professional", sa.Column("mssante", sa.String(320)))
    op.add_column("professional", sa.Column("referral_preference", sa.String(8)))
    op.add_column("professional", sa.Column("takes_referrals", sa.Boolean()))
    op.add_column("professional", sa.Column("colleague_note", sa.String(280)))
    op.execute("ALTER TABLE professional ADD CONSTRAINT ck_professional_referral_preference "
               "CHECK (referral_preference IN ('phone', 'mssante', 'letter'))")
    op.execute("ALTER TABLE professional ADD CONSTRAINT ck_professional_mssante_domain "
               "CHECK (mssante ~* '@([a-z0-9-]+\\.)*mssante\\.fr$')")


def downgrade() -> None:
    op.execute("ALTER TABLE professional DROP CONSTRAINT ck_professional_mssante_domain")
    op.execute("ALTER TABLE professional DROP CONSTRAINT ck_professional_referral_preference")
    for column in ("colleague_note", "takes_referrals", "referral_preference", "mssante"):
        op.drop_column("professional", column)
