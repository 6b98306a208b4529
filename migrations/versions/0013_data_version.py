"""Data version: one row that changes with every write to what public pages show

Statement triggers on every table a page reads set ``data_version.n`` to a new value of a
sequence, in the writing transaction: a reader sees the new version exactly when it sees the new
data, every statement of a transaction makes a new one, and a rolled-back write leaves no value
that could come back (sequence values are never reused). Caches of public
pages are keyed by it (``mapper.services.dataversion``). Tables whose writes change no page
(sessions, sign-in links, throttles, caches of remote answers, the audit trail, accounts and
tokens) have no trigger: ``tests/foundation/test_data_version.py`` checks every table is one or
the other.

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: The tables of revision 0012 whose writes change what a page shows.
TABLES = ("campaign", "permanence", "commune", "postcode", "cpts", "cpts_commune", "cpts_part",
          "cpts_drawn_commune", "arbitration", "arbitration_cpts", "cpts_validated_commune",
          "profession", "competency", "professional", "practice_site", "intervention_zone",
          "professional_competency", "slot", "cpts_member", "place", "closure", "shift",
          "shift_reservation", "rota_hours")


def upgrade() -> None:
    op.execute("""
    CREATE TABLE data_version (
      id smallint PRIMARY KEY DEFAULT 1 CONSTRAINT data_version_single CHECK (id = 1),
      n bigint NOT NULL
    );
    CREATE SEQUENCE data_version_seq;
    INSERT INTO data_version (id, n) VALUES (1, nextval('data_version_seq'));
    CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE data_version SET n = nextval('data_version_seq') WHERE id = 1;
      RETURN NULL;
    END $$;
    """)
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE "
                   f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                   "EXECUTE FUNCTION bump_data_version()")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_data_version ON {table}")
    op.execute("DROP FUNCTION bump_data_version(); DROP TABLE data_version; "
               "DROP SEQUENCE data_version_seq;")
