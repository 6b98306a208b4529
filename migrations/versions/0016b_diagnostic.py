"""Territorial diagnostic (issue 15): population by age group per commune, and each commune's
population point.

* ``commune_population_age``: INSEE's population by age group (« base-cc-evol-struct-pop »:
  P<yy>_POP0014 … P<yy>_POP75P) per commune, imported by ``mapper import population-age``;
  pages show it, so it gets the data-version trigger (see 0013).
* ``commune.pop_point``: a stored generated column ``ST_PointOnSurface(geom)``, the point where
  the 2SFCA accessibility index places a commune's population (a point inside the commune, unlike
  the centroid of a crescent-shaped one), with a GiST index on its geography: the index finds
  the communes within the catchment radius of a practice site without recomputing points.
* ``commune_accessibility``: the index of every commune for a profession as ``mapper diagnostic
  --national --store`` computed it (a nightly job), which territories' diagnostics read while
  it is fresh instead of computing it again (data-version trigger: pages show it);
* an index on practice sites by (commune, profession): a territory's supply without a scan of
  the directory.

Revision ID: 0016b
Revises: 0015c
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016b"
down_revision = "0016d"
branch_labels = None
depends_on = None

AGE_COLUMNS = ("pop_0014", "pop_1529", "pop_3044", "pop_4559", "pop_6074", "pop_75p")


def upgrade() -> None:
    op.create_table(
        "commune_population_age",
        sa.Column("commune_code", sa.String(5), sa.ForeignKey("commune.code", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Float(), nullable=False) for name in AGE_COLUMNS],
        *[sa.CheckConstraint(f"{name} >= 0", name=f"ck_commune_population_age_{name}")
          for name in AGE_COLUMNS],
    )
    op.execute("CREATE TRIGGER commune_population_age_data_version AFTER INSERT OR UPDATE OR "
               "DELETE OR TRUNCATE ON commune_population_age FOR EACH STATEMENT "
               "EXECUTE FUNCTION bump_data_version()")
    op.create_table(
        "commune_accessibility",
        sa.Column("profession_code", sa.String(32),
                  sa.ForeignKey("profession.code", ondelete="CASCADE"), primary_key=True),
        sa.Column("commune_code", sa.String(5), sa.ForeignKey("commune.code", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute("CREATE TRIGGER commune_accessibility_data_version AFTER INSERT OR UPDATE OR "
               "DELETE OR TRUNCATE ON commune_accessibility FOR EACH STATEMENT "
               "EXECUTE FUNCTION bump_data_version()")
    op.execute("ALTER TABLE commune ADD COLUMN pop_point geometry(Point, 4326) "
               "GENERATED ALWAYS AS (ST_PointOnSurface(geom)) STORED")
    op.execute("CREATE INDEX idx_commune_pop_point_geog ON commune "
               "USING gist ((pop_point::geography)) WHERE pop_point IS NOT NULL")
    op.create_index("ix_practice_site_commune_profession", "practice_site",
                    ["commune_code", "profession_code", "professional_id"])


def downgrade() -> None:
    op.drop_index("ix_practice_site_commune_profession", table_name="practice_site")
    op.execute("DROP INDEX IF EXISTS idx_commune_pop_point_geog")
    op.execute("ALTER TABLE commune DROP COLUMN pop_point")
    op.drop_table("commune_accessibility")
    op.drop_table("commune_population_age")
