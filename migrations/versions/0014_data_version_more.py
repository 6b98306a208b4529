"""Data version triggers on the tables of 0013a and 0013c (conciliation states, IRIS and the
IRIS of territories): pages show them, so their writes give the data a new version (see 0013).

Revision ID: 0014
Revises: 0013c
"""
from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013c"
branch_labels = None
depends_on = None

TABLES = ("overlap_conciliation", "iris", "cpts_iris")


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE "
                   f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                   "EXECUTE FUNCTION bump_data_version()")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_data_version ON {table}")
