"""An index on the postcode of practice sites: the FHIR directory searches
``Practitioner?address-postalcode=`` (a semi-join from the sites of one postcode) over a
national directory (1 M professionals). No new table, so no data-version trigger.

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
    op.create_index("ix_practice_site_postcode", "practice_site", ["postcode"])


def downgrade() -> None:
    op.drop_index("ix_practice_site_postcode", table_name="practice_site")
