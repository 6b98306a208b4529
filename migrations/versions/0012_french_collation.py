"""French collation: ``mapper_fr``, the one collation every sorted list of names uses

« Pédicure » sorts before « Psychomotricien » and « Éducateur » among the E only under a
linguistic collation; the database's default (often C or en_US) does neither. The collation is
taken once, here, from PostgreSQL's ICU collations: ``fr-FR-x-icu`` where the cluster has it,
else the root collation ``und-x-icu`` (accents and case still secondary), else ``C`` (a
PostgreSQL built without ICU: order by code points, as before). Queries say ``COLLATE mapper_fr``
(``mapper.vocab.FRENCH_COLLATION``) whatever was chosen.

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    DO $$
    DECLARE source text;
    BEGIN
      SELECT collname INTO source FROM pg_collation
      WHERE collname IN ('fr-FR-x-icu', 'fr-x-icu', 'und-x-icu')
      ORDER BY array_position(ARRAY['fr-FR-x-icu', 'fr-x-icu', 'und-x-icu'], collname::text)
      LIMIT 1;
      EXECUTE format('CREATE COLLATION mapper_fr FROM %I', coalesce(source, 'C'));
    END $$""")


def downgrade() -> None:
    op.execute("DROP COLLATION mapper_fr")
