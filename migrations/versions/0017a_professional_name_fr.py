"""Professionals listed by name in French order: the name index under the ``mapper_fr``
collation (ICU fr-FR, migration 0012), so « Élodie » sorts with the E and the listing of a
directory search without a place still walks an index.

Revision ID: 0017a
Revises: 0016b
"""
from alembic import op

revision = "0017a"
down_revision = "0016b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_professional_name_fr ON professional "
               "(last_name COLLATE mapper_fr, first_name COLLATE mapper_fr, id)")
    op.execute("DROP INDEX IF EXISTS ix_professional_name")


def downgrade() -> None:
    op.execute("CREATE INDEX ix_professional_name ON professional (last_name, first_name, id)")
    op.execute("DROP INDEX IF EXISTS ix_professional_name_fr")
