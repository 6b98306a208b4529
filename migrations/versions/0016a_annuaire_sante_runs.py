"""Resumable imports from the Annuaire Santé FHIR API: one row per run (its key is the
département and the profession filter) with where it stopped, and the resources fetched so
far, kept until the run is merged. Bookkeeping of the import, never shown by a page: both are
UNVERSIONED (``services/dataversion.py``), so paging writes no new data version.

Revision ID: 0016a
Revises: 0015c
"""
from __future__ import annotations

from alembic import op

revision = "0016a"
down_revision = "0015c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE annuaire_run (
      run_key text PRIMARY KEY,
      phase text NOT NULL CHECK (phase IN ('organizations', 'roles', 'practitioners')),
      batch integer NOT NULL DEFAULT 0 CHECK (batch >= 0),
      next_url text,
      pages integer NOT NULL DEFAULT 0 CHECK (pages >= 0),
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE annuaire_stage (
      run_key text NOT NULL REFERENCES annuaire_run (run_key) ON DELETE CASCADE,
      resource_type text NOT NULL,
      resource_id text NOT NULL,
      body jsonb,
      PRIMARY KEY (run_key, resource_type, resource_id)
    );
    """)


def downgrade() -> None:
    op.execute("DROP TABLE annuaire_stage; DROP TABLE annuaire_run;")
