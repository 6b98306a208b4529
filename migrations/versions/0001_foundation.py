"""foundation: communes, accounts, API tokens, audit events

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""
import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # Accent- and case-insensitive matching of names (commune autocomplete, CPTS names).
    op.execute(
        "CREATE FUNCTION unaccent_lower(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        "STRICT AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$"
    )
    op.create_table(
        "commune",
        sa.Column("code", sa.String(5), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_code", sa.String(5)),
        sa.Column("departement", sa.String(3)),
        sa.Column("region", sa.String(3)),
        sa.Column("population", sa.Integer),
        sa.Column("population_year", sa.Integer),
        sa.Column("area_km2", sa.Float),
        sa.Column("geom", geoalchemy2.Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)),
        sa.CheckConstraint("kind IN ('commune', 'arrondissement')", name="ck_commune_kind"),
        sa.PrimaryKeyConstraint("code", name="pk_commune"),
    )
    op.create_index("ix_commune_departement", "commune", ["departement"])
    op.create_index("ix_commune_region", "commune", ["region"])
    op.create_index("idx_commune_geom", "commune", ["geom"], postgresql_using="gist")
    op.execute("CREATE INDEX ix_commune_name_search ON commune "
               "(unaccent_lower(name) text_pattern_ops)")

    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("regions", postgresql.ARRAY(sa.String(3)), nullable=False,
                  server_default="{}"),
        sa.Column("cpts_id", sa.Integer),
        sa.Column("professional_id", sa.Integer),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("email", name="uq_account_email"),
        sa.CheckConstraint("role IN ('admin', 'ars', 'coordinator', 'professional')",
                           name="ck_account_role"),
        sa.CheckConstraint("role <> 'ars' OR cardinality(regions) > 0",
                           name="ck_account_ars_has_region"),
        sa.CheckConstraint("role <> 'coordinator' OR cpts_id IS NOT NULL",
                           name="ck_account_coordinator_has_cpts"),
        sa.CheckConstraint("role <> 'professional' OR professional_id IS NOT NULL",
                           name="ck_account_professional_has_entry"),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_api_token"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE",
                                name="fk_api_token_account_id_account"),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    op.create_index("ix_api_token_account_id", "api_token", ["account_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("account_id", sa.Integer),
        sa.Column("actor", sa.String(400), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(64)),
        sa.Column("before", postgresql.JSONB),
        sa.Column("after", postgresql.JSONB),
        sa.Column("reason", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="SET NULL",
                                name="fk_audit_event_account_id_account"),
    )
    op.create_index("ix_audit_event_entity", "audit_event", ["entity_type", "entity_id"])


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("api_token")
    op.drop_table("account")
    op.drop_index("idx_commune_geom", table_name="commune")
    op.drop_table("commune")
    op.execute("DROP FUNCTION IF EXISTS unaccent_lower(text)")
