"""Places by name, tolerantly, and La Poste's postcodes.

``place_key(text)``: the key under which a typed place name and a commune's name meet —
accents and case dropped (``unaccent_lower``), hyphens, apostrophes and other punctuation as
spaces, « s/ » as « sur », « st »/« ste » as « saint »/« sainte », spaces collapsed. IMMUTABLE, so
``commune.name_key`` is a stored generated column ``place_key(name)``, indexed twice: a btree
(``text_pattern_ops``: equality and prefix) and a trigram GIN index (``pg_trgm``: typos).

``postcode``: the « Base officielle des codes postaux » of La Poste (``mapper import
postcodes``), one row per (postcode, commune); no foreign key, so it can be loaded before or
beside a partial commune layer.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PLACE_KEY = r"""
CREATE FUNCTION place_key(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT btrim(
    regexp_replace(regexp_replace(
      regexp_replace(
        regexp_replace(unaccent_lower($1), '\ms/', 'sur ', 'g'),
        '[^a-z0-9]+', ' ', 'g'),
      '\mste\M', 'sainte', 'g'),
    '\mst\M', 'saint', 'g'))
$$
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(PLACE_KEY)
    # Stored, so that rechecking a trigram match or sorting by similarity reads the key
    # instead of recomputing it (4 regexps and unaccent per row: 0.6 s on 35 000 communes).
    op.execute("ALTER TABLE commune ADD COLUMN name_key text "
               "GENERATED ALWAYS AS (place_key(name)) STORED")
    op.execute("CREATE INDEX ix_commune_name_key ON commune (name_key text_pattern_ops)")
    op.execute("CREATE INDEX ix_commune_name_key_trgm ON commune "
               "USING gin (name_key gin_trgm_ops)")
    op.create_table(
        "postcode",
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("commune_name", sa.String(200), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.PrimaryKeyConstraint("code", "commune_code", name="pk_postcode"),
        sa.CheckConstraint("code ~ '^[0-9]{5}$'", name="ck_postcode_code"),
    )
    op.create_index("ix_postcode_commune_code", "postcode", ["commune_code"])


def downgrade() -> None:
    op.drop_index("ix_postcode_commune_code", table_name="postcode")
    op.drop_table("postcode")
    op.execute("DROP INDEX IF EXISTS ix_commune_name_key_trgm")
    op.execute("DROP INDEX IF EXISTS ix_commune_name_key")
    op.execute("ALTER TABLE commune DROP COLUMN name_key")
    op.execute("DROP FUNCTION IF EXISTS place_key(text)")
