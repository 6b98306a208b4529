"""The on-call hours a CPTS's planning checks for gaps (``rota_hours``; none: weekdays 14–20).

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DDL = """
CREATE TABLE rota_hours (
    cpts_id INTEGER NOT NULL,
    weekdays SMALLINT[] NOT NULL,
    start_time TIME WITHOUT TIME ZONE NOT NULL,
    end_time TIME WITHOUT TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_rota_hours PRIMARY KEY (cpts_id),
    CONSTRAINT ck_rota_hours_ordered CHECK (end_time > start_time),
    CONSTRAINT ck_rota_hours_weekdays CHECK (weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]),
    CONSTRAINT fk_rota_hours_cpts_id_cpts FOREIGN KEY(cpts_id) REFERENCES cpts (id)
        ON DELETE CASCADE
);
"""


def upgrade() -> None:
    op.execute(DDL)


def downgrade() -> None:
    op.execute("DROP TABLE rota_hours")
