"""National life cycle and conciliation of overlaps

``cpts.status`` takes ``aci_signe`` (contrat ACI signé) after ``valide``; a signed CPTS counts
as validated (its communes join ``cpts_validated_commune``, nothing to migrate: none exists yet).
``overlap_conciliation`` holds the state of the overlap of two CPTS, keyed by the unordered pair
(``cpts_a`` < ``cpts_b``).

Revision ID: 0013a
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013a"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD = "status IN ('intention', 'projet', 'valide', 'rejete')"
NEW = "status IN ('intention', 'projet', 'valide', 'aci_signe', 'rejete')"


def _status_check(definition: str) -> None:
    """Replace the check of ``cpts.status``, whatever name 0002 gave it."""
    op.execute(f"""
    DO $$
    DECLARE name text;
    BEGIN
      FOR name IN SELECT conname FROM pg_constraint
                  WHERE conrelid = 'cpts'::regclass AND contype = 'c'
                    AND pg_get_constraintdef(oid) LIKE '%status%'
                    AND pg_get_constraintdef(oid) NOT LIKE '%territory_kind%'
      LOOP
        EXECUTE format('ALTER TABLE cpts DROP CONSTRAINT %I', name);
      END LOOP;
    END $$""")
    op.execute(f"ALTER TABLE cpts ADD CONSTRAINT ck_cpts_status CHECK ({definition})")


def upgrade() -> None:
    _status_check(NEW)
    op.create_table(
        "overlap_conciliation",
        sa.Column("cpts_a", sa.Integer(), nullable=False),
        sa.Column("cpts_b", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("updated_by", sa.String(400)),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.PrimaryKeyConstraint("cpts_a", "cpts_b", name="pk_overlap_conciliation"),
        sa.ForeignKeyConstraint(["cpts_a"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_overlap_conciliation_cpts_a_cpts"),
        sa.ForeignKeyConstraint(["cpts_b"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_overlap_conciliation_cpts_b_cpts"),
        sa.CheckConstraint("cpts_a < cpts_b", name="ck_overlap_conciliation_ordered_pair"),
        sa.CheckConstraint("state IN ('a_concilier', 'en_conciliation', 'resolue_arbitrage', "
                           "'resolue_territoire')", name="ck_overlap_conciliation_state"),
    )
    op.create_index("ix_overlap_conciliation_cpts_b", "overlap_conciliation", ["cpts_b"])


def downgrade() -> None:
    op.drop_table("overlap_conciliation")
    op.execute("UPDATE cpts SET status = 'valide' WHERE status = 'aci_signe'")
    _status_check(OLD)
