"""IRIS (sub-commune units) and the IRIS a CPTS territory holds.

Revision ID: 0013c
Revises: 0013a (re-chained after merging main)
"""
from __future__ import annotations

import geoalchemy2
import sqlalchemy as sa
from alembic import op

revision = "0013c"
down_revision = "0013a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "iris",
        sa.Column("code", sa.String(9), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("commune_code", sa.String(5), sa.ForeignKey("commune.code"), nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("population", sa.Float()),
        sa.Column("population_year", sa.Integer()),
        sa.Column("area_km2", sa.Float()),
        sa.Column("geom", geoalchemy2.Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)),
        sa.CheckConstraint(r"code ~ '^(\d{5}|2[AB]\d{3})\d{4}$'", name="ck_iris_code"),
        sa.CheckConstraint("kind IN ('H', 'A', 'D', 'Z')", name="ck_iris_kind"),
        sa.CheckConstraint("left(code, 5) = commune_code", name="ck_iris_code_in_commune"),
    )
    op.create_index("ix_iris_commune_code", "iris", ["commune_code"])
    op.create_index("idx_iris_geom", "iris", ["geom"], postgresql_using="gist")
    op.create_table(
        "cpts_iris",
        sa.Column("cpts_id", sa.Integer(), sa.ForeignKey("cpts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("iris_code", sa.String(9), sa.ForeignKey("iris.code"), primary_key=True),
        sa.Column("commune_code", sa.String(5), nullable=False),
    )
    op.create_index("ix_cpts_iris_iris_code", "cpts_iris", ["iris_code"])
    op.create_index("ix_cpts_iris_commune_code", "cpts_iris", ["commune_code"])


def downgrade() -> None:
    op.drop_table("cpts_iris")
    op.drop_table("iris")
