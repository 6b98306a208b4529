"""Address autocomplete: the BAN's suggestions cached by normalised typed text.

``geocode_cache`` holds one answer per address; autocomplete needs a list per keystroke prefix.
Each row is the list the BAN gave for ``key`` (the typed text normalised, and the ``type``
filter), with the ``max_results`` asked: a later request for as many or fewer is answered
from the row. Rows older than the service's freshness limit are asked again.

Revision ID: 0008
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address_suggestion_cache",
        sa.Column("key", sa.String(260)),
        sa.Column("max_results", sa.SmallInteger(), nullable=False),
        sa.Column("suggestions", postgresql.JSONB(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_address_suggestion_cache"),
    )


def downgrade() -> None:
    op.drop_table("address_suggestion_cache")
