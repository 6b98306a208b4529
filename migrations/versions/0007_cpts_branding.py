"""A CPTS brands its widget: ``cpts.brand_color`` (``#rrggbb``, NULL for the default colour).

Revision ID: 0007
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cpts", sa.Column("brand_color", sa.String(7), nullable=True))
    op.create_check_constraint("ck_cpts_brand_color_format", "cpts",
                               "brand_color ~ '^#[0-9a-f]{6}$'")


def downgrade() -> None:
    op.drop_constraint("ck_cpts_brand_color_format", "cpts", type_="check")
    op.drop_column("cpts", "brand_color")
