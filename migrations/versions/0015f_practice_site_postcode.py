"""An index on (postcode, professional_id) of practice sites: the FHIR directory searches
``Practitioner?address-postalcode=`` over a national directory (1 M professionals) with an
index-only scan, ordered by the entry's id. No new table, so no data-version trigger.

Revision ID: 0015f
Revises: 0014
"""
from __future__ import annotations

from alembic import op

revision = "0015f"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_practice_site_postcode", "practice_site", ["postcode", "professional_id"])


def downgrade() -> None:
    op.drop_index("ix_practice_site_postcode", table_name="practice_site")
