"""territories: CPTS, their communes, parts and cut communes, arbitrations, validated memberships

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # btree_gist: exclusion constraint mixing "=" on codes and "<>" on share keys (see below).
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "cpts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="projet"),
        sa.Column("region", sa.String(3)),
        sa.Column("website", sa.String(500)),
        sa.Column("contact_email", sa.String(320)),
        sa.Column("embed_origins", postgresql.ARRAY(sa.Text), nullable=False,
                  server_default="{}"),
        sa.Column("territory_kind", sa.String(16), nullable=False, server_default="communes"),
        sa.Column("geom", geoalchemy2.Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)),
        sa.Column("population", sa.Integer),
        sa.Column("population_year", sa.Integer),
        sa.Column("area_km2", sa.Float),
        sa.Column("size_category", sa.SmallInteger),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_cpts"),
        sa.UniqueConstraint("slug", name="uq_cpts_slug"),
        sa.CheckConstraint("status IN ('intention', 'projet', 'valide', 'rejete')",
                           name="ck_cpts_status"),
        sa.CheckConstraint("territory_kind IN ('communes', 'drawn')",
                           name="ck_cpts_territory_kind"),
        sa.CheckConstraint("size_category BETWEEN 1 AND 4", name="ck_cpts_size_category"),
    )
    # Names are unique ignoring case and accents ("CPTS Sud" = "cpts süd").
    op.execute("CREATE UNIQUE INDEX uq_cpts_name_ci ON cpts (unaccent_lower(name))")
    op.create_index("ix_cpts_region", "cpts", ["region"])
    op.create_index("ix_cpts_status", "cpts", ["status"])
    op.create_index("idx_cpts_geom", "cpts", ["geom"], postgresql_using="gist")

    op.create_table(
        "cpts_commune",
        sa.Column("cpts_id", sa.Integer, nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.PrimaryKeyConstraint("cpts_id", "commune_code", name="pk_cpts_commune"),
        sa.ForeignKeyConstraint(["cpts_id"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_cpts_commune_cpts_id_cpts"),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"],
                                name="fk_cpts_commune_commune_code_commune"),
    )
    op.create_index("ix_cpts_commune_commune_code", "cpts_commune", ["commune_code"])

    op.create_table(
        "cpts_part",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cpts_id", sa.Integer, nullable=False),
        sa.Column("geom", geoalchemy2.Geometry("POLYGON", srid=4326, spatial_index=False),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cpts_part"),
        sa.ForeignKeyConstraint(["cpts_id"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_cpts_part_cpts_id_cpts"),
    )
    op.create_index("ix_cpts_part_cpts_id", "cpts_part", ["cpts_id"])
    op.create_index("idx_cpts_part_geom", "cpts_part", ["geom"], postgresql_using="gist")

    # The communes a drawn territory cuts, with the km² of each inside it (geography) and the
    # share of the commune's area: coverage and commune-vs-drawn overlaps become set-based.
    op.create_table(
        "cpts_drawn_commune",
        sa.Column("cpts_id", sa.Integer, nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("inside_km2", sa.Float, nullable=False),
        sa.Column("share", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("cpts_id", "commune_code", name="pk_cpts_drawn_commune"),
        sa.ForeignKeyConstraint(["cpts_id"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_cpts_drawn_commune_cpts_id_cpts"),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"], ondelete="CASCADE",
                                name="fk_cpts_drawn_commune_commune_code_commune"),
    )
    op.create_index("ix_cpts_drawn_commune_commune_code", "cpts_drawn_commune",
                    ["commune_code"])

    op.create_table(
        "arbitration",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_arbitration"),
        sa.UniqueConstraint("commune_code", name="uq_arbitration_commune_code"),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"],
                                name="fk_arbitration_commune_code_commune"),
    )
    op.create_table(
        "arbitration_cpts",
        sa.Column("arbitration_id", sa.Integer, nullable=False),
        sa.Column("cpts_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("arbitration_id", "cpts_id", name="pk_arbitration_cpts"),
        sa.ForeignKeyConstraint(["arbitration_id"], ["arbitration.id"], ondelete="CASCADE",
                                name="fk_arbitration_cpts_arbitration_id_arbitration"),
        sa.ForeignKeyConstraint(["cpts_id"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_arbitration_cpts_cpts_id_cpts"),
    )
    op.create_index("ix_arbitration_cpts_cpts_id", "arbitration_cpts", ["cpts_id"])

    # The concurrency guarantee for commune-based territories: one row per (validated CPTS,
    # commune). Rows of one commune must all carry the same share_key: 'arbitrated' for the CPTS
    # an arbitration lists, 'cpts:<id>' otherwise — so at most one non-arbitrated validated CPTS
    # per commune, and never a non-arbitrated one beside arbitrated ones. Exclusion constraints
    # are enforced across concurrent transactions (the second waits, then fails).
    op.create_table(
        "cpts_validated_commune",
        sa.Column("cpts_id", sa.Integer, nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("share_key", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("cpts_id", "commune_code", name="pk_cpts_validated_commune"),
        sa.ForeignKeyConstraint(["cpts_id"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_cpts_validated_commune_cpts_id_cpts"),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"],
                                name="fk_cpts_validated_commune_commune_code_commune"),
    )
    op.create_index("ix_cpts_validated_commune_commune_code", "cpts_validated_commune",
                    ["commune_code"])
    op.execute(
        "ALTER TABLE cpts_validated_commune ADD CONSTRAINT ex_cpts_validated_commune_share "
        "EXCLUDE USING gist (commune_code WITH =, share_key WITH <>)"
    )

    op.create_foreign_key("fk_account_cpts_id_cpts", "account", "cpts", ["cpts_id"], ["id"])


def downgrade() -> None:
    op.drop_constraint("fk_account_cpts_id_cpts", "account", type_="foreignkey")
    op.drop_table("cpts_validated_commune")
    op.drop_table("arbitration_cpts")
    op.drop_table("arbitration")
    op.drop_table("cpts_drawn_commune")
    op.drop_table("cpts_part")
    op.drop_table("cpts_commune")
    op.drop_table("cpts")
